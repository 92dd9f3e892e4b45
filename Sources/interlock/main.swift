import InterlockCLI

await InterlockCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
