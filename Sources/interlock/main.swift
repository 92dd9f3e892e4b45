import InterlockCLI

InterlockCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
