import InterlockClassifiers
import InterlockCore
import Testing

/// Interpreter code is never read as harmless, but what it spells out literally is classified as
/// what it does: SQL handed to a driver, files opened for writing, commands given as word lists,
/// AWS calls through boto3.
@Suite struct InterpreterCodeTests {
    let classifier = ShellClassifier(fileSystem: FixedFileSystem(files: ["/etc/hosts": "127.0.0.1 localhost\n"], directories: ["/etc", "/srv", "/tmp"]))

    @Test(arguments: [
        ("python3 -c \"import psycopg2; psycopg2.connect('dbname=prod').cursor().execute('DROP TABLE users')\"", "sql:drop_table"),
        ("python3 -c 'c.execute(\"\"\"DELETE FROM sessions\"\"\")'", "sql:delete"),
        ("node -e \"const c = new Client(); c.query('TRUNCATE orders')\"", "sql:truncate"),
        ("perl -MDBI -e '$dbh->do(\"DROP TABLE users\")'", "sql:drop_table"),
        ("php -r '$pdo->exec(\"DELETE FROM users\");'", "sql:delete"),
        ("python3 -c \"open('/etc/hosts', 'w').write('')\"", "shell:python3:write"),
        ("node -e \"require('fs').writeFileSync('/etc/hosts', '')\"", "shell:node:write"),
        ("ruby -e 'File.write(\"/etc/hosts\", \"\")'", "shell:ruby:write"),
        ("perl -e 'open(my $f, \">\", \"/etc/hosts\")'", "shell:perl:write"),
        ("perl -e 'open(F, \">/etc/hosts\")'", "shell:perl:write"),
        ("php -r 'file_put_contents(\"/etc/hosts\", \"\");'", "shell:php:write"),
        ("python3 -c \"from pathlib import Path; Path('/etc/hosts').write_text('')\"", "shell:python3:write"),
        ("python3 -c \"import os; os.replace('/tmp/new', '/etc/hosts')\"", "shell:python3:write"),
        ("node -e \"require('fs').copyFileSync('/tmp/x', '/etc/hosts')\"", "shell:node:write"),
        ("perl -MFile::Copy -e 'move(\"/tmp/x\", \"/etc/hosts\")'", "shell:perl:write"),
        ("ruby -e 'File.rename(\"/tmp/x\", \"/etc/hosts\")'", "shell:ruby:write"),
        ("python3 -c \"import subprocess; subprocess.run(['rm', '-rf', '/srv'])\"", "shell:rm"),
        ("node -e \"require('child_process').spawnSync('rm', ['-rf', '/srv'])\"", "shell:rm"),
        ("python3 -c \"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\"", "aws:s3:DeleteBucket"),
        ("python3 -c \"import boto3; rds = boto3.client('rds', region_name='eu-west-1'); rds.delete_db_instance(DBInstanceIdentifier='prod', SkipFinalSnapshot=True)\"",
         "aws:rds:DeleteDBInstance"),
    ])
    func literalActionsInCodeAreDestructive(line: String, operation: String) {
        let facts = classifier.classify(commandLine: line, workingDirectory: "/srv")
        #expect(facts.effect == .destructive && facts.operations.contains(operation), "\(line): \(facts.effect) \(facts.operations)")
    }

    /// Reading, appending and asking stay as unknown as any code is: no write or deletion found.
    @Test(arguments: [
        "python3 -c \"print(open('/etc/hosts').read())\"",
        "python3 -c \"open('/tmp/notes.txt', 'a').write('x')\"",
        "perl -e 'open(F, \"/etc/hosts\")'",
        "python3 -c \"import boto3; s3 = boto3.client('s3'); print(s3.list_buckets())\"",
        "python3 -c \"import sqlite3; c = sqlite3.connect('app.db'); print(c.execute('SELECT * FROM users').fetchall())\"",
        "node -e \"console.log(require('fs').readFileSync('/etc/hosts', 'utf8'))\"",
        // A string's `replace` is not `os.replace`.
        "python3 -c \"print('a-b'.replace('-', '/etc/hosts'))\"",
    ])
    func readsStayUnknown(line: String) {
        let facts = classifier.classify(commandLine: line, workingDirectory: "/srv")
        #expect(facts.effect == .unknown, "\(line): \(facts.effect) \(facts.operations)")
    }

    /// A boto3 call is the AWS operation it names, with its literal keyword arguments.
    @Test func boto3CallsAreTheirOperations() {
        let listing = classifier.classify(commandLine: "python3 -c \"import boto3; s3 = boto3.client('s3'); s3.list_objects_v2(Bucket='b')\"")
        #expect(listing.operations.contains("aws:s3:ListObjectsV2"), "\(listing.operations)")
        // A paginator is a helper, not an operation.
        let paginated = classifier.classify(commandLine: "python3 -c \"import boto3; boto3.client('s3').get_paginator('list_objects_v2')\"")
        #expect(!paginated.operations.contains { $0.hasPrefix("aws:") }, "\(paginated.operations)")
    }

    /// Every SQL corpus text, handed to a driver as a Python literal, is never milder than the SQL
    /// classifier finds it, and keeps its categories.
    @Test func sqlThroughADriverIsNeverMilderThanTheSQL() throws {
        let cases = try Corpus.load("sql.jsonl", key: "sql")
        #expect(cases.count > 300)
        for item in cases {
            let direct = SQLClassifier.findings(for: item.input, dialect: nil)
            let literal = "'" + item.input.replacing("\\", with: "\\\\").replacing("'", with: "\\'").replacing("\n", with: "\\n") + "'"
            let code = "import psycopg2; cursor = psycopg2.connect('').cursor(); cursor.execute(\(literal))"
            let line = "python3 -c '" + code.replacing("'", with: "'\\''") + "'"
            let viaDriver = classifier.classify(commandLine: line, workingDirectory: "/srv")
            #expect(viaDriver.effect >= direct.effect, "\(item): \(viaDriver.effect) through a driver, \(direct.effect) as SQL")
            #expect(viaDriver.categories.isSuperset(of: direct.categories), "\(item): \(viaDriver.categories) against \(direct.categories)")
        }
    }
}
