import InterlockCore

/// Schema-migration and ORM tools (`rails db:drop`, `prisma migrate reset`, `alembic downgrade`,
/// `manage.py flush` …): the commands agents run against databases most often, and the shortest
/// way to empty one. They speak SQL the line does not show, so they are judged by their verbs:
/// dropping, resetting, wiping and migrating down lose data and are destructive; migrating up,
/// creating and generating are writes; status and history read. A verb not listed is left to the
/// caller (its effect stays unknown).
enum DatabaseMigrationCommand {
    struct Verb {
        var effect: Effect
        var what: String
        var categories: Set<Category> = []
    }

    private static func drop(_ what: String) -> Verb { Verb(effect: .destructive, what: what, categories: [.dataLoss]) }
    private static func write(_ what: String) -> Verb { Verb(effect: .write, what: what) }
    private static func read(_ what: String) -> Verb { Verb(effect: .read, what: what) }

    static let railsTasks: [String: Verb] = [
        "db:drop": drop("drops the database"), "db:drop:all": drop("drops every database"), "db:reset": drop("drops and recreates the database"),
        "db:migrate:reset": drop("drops the database and migrates it from nothing"), "db:schema:load": drop("recreates every table from the schema file, emptying them"),
        "db:structure:load": drop("recreates every table from the structure file, emptying them"), "db:purge": drop("empties the database"),
        "db:purge:all": drop("empties every database"), "db:truncate_all": drop("truncates every table"), "db:rollback": drop("migrates down, dropping what the migrations created"),
        "db:migrate:down": drop("runs a migration down"), "db:migrate:redo": drop("runs migrations down and up again"), "db:fixtures:load": drop("replaces table rows with fixtures"),
        "db:seed:replant": drop("truncates every table and seeds it again"),
        "db:migrate": write("applies migrations"), "db:migrate:up": write("applies a migration"), "db:create": write("creates the database"),
        "db:create:all": write("creates every database"), "db:seed": write("inserts seed data"), "db:setup": write("creates the database, loads the schema and seeds it"),
        "db:prepare": write("creates or migrates the database"), "db:schema:dump": write("writes the schema file"), "db:schema:cache:dump": write("writes the schema cache"),
        "db:migrate:status": read("lists migrations"), "db:version": read("prints the schema version"), "db:abort_if_pending_migrations": read("checks for pending migrations"),
        "routes": read("lists routes"), "about": read("prints versions"), "stats": read("prints code statistics"), "notes": read("lists annotations"),
        "-T": read("lists tasks"), "--tasks": read("lists tasks"), "-P": read("lists tasks"),
    ]

    static let djangoCommands: [String: Verb] = [
        "flush": drop("deletes every row of every table"), "reset_db": drop("drops and recreates the database"), "sqlflush": read("prints the SQL flush would run"),
        "migrate": write("applies migrations"), "makemigrations": write("writes migration files"), "loaddata": write("loads fixtures into the database"),
        "squashmigrations": write("writes migration files"), "createcachetable": write("creates cache tables"),
        "createsuperuser": Verb(effect: .destructive, what: "creates a superuser", categories: [.permissionChange]),
        "changepassword": Verb(effect: .destructive, what: "changes a user's password", categories: [.permissionChange]),
        "showmigrations": read("lists migrations"), "sqlmigrate": read("prints a migration's SQL"), "check": read("checks the project"), "inspectdb": read("prints models for existing tables"),
        "diffsettings": read("prints settings"), "dumpdata": read("prints the database's data"), "version": read("prints its version"), "help": read("prints help"),
    ]

    /// Tools whose verb is one word (`alembic downgrade`) or two (`prisma migrate reset`), found as
    /// the first words after the tool that match.
    static let verbs: [String: [String: Verb]] = [
        "alembic": [
            "downgrade": drop("migrates down, dropping what the migrations created"), "upgrade": write("applies migrations"), "stamp": write("rewrites the recorded revision"),
            "revision": write("writes a migration file"), "merge": write("writes a merge migration"), "history": read("lists revisions"), "current": read("prints the revision"),
            "heads": read("lists heads"), "branches": read("lists branches"), "show": read("shows a revision"), "check": read("checks for pending changes"),
        ],
        "prisma": [
            "migrate reset": drop("drops the database and applies every migration"), "db push": write("makes the database match the schema"),
            "migrate deploy": write("applies migrations"), "migrate dev": write("applies and creates migrations"), "migrate resolve": write("marks migrations applied or rolled back"),
            "db pull": write("rewrites the schema file from the database"), "migrate status": read("lists migrations"), "migrate diff": read("prints differences"),
            "generate": write("generates the client"), "format": write("formats the schema file"), "validate": read("validates the schema"), "version": read("prints versions"),
        ],
        "knex": [
            "migrate:rollback": drop("migrates down, dropping what the migrations created"), "migrate:down": drop("runs a migration down"),
            "migrate:latest": write("applies migrations"), "migrate:up": write("applies a migration"), "migrate:make": write("writes a migration file"),
            "seed:make": write("writes a seed file"), "migrate:status": read("lists migrations"), "migrate:list": read("lists migrations"), "migrate:currentVersion": read("prints the version"),
        ],
        "sequelize": [
            "db:drop": drop("drops the database"), "db:migrate:undo": drop("migrates down"), "db:migrate:undo:all": drop("migrates every migration down"),
            "db:seed:undo": drop("removes seeded data"), "db:seed:undo:all": drop("removes all seeded data"),
            "db:create": write("creates the database"), "db:migrate": write("applies migrations"), "db:seed": write("inserts seed data"), "db:seed:all": write("inserts seed data"),
            "migration:generate": write("writes a migration file"), "migration:create": write("writes a migration file"), "seed:generate": write("writes a seed file"),
            "model:generate": write("writes model files"), "init": write("writes project files"), "db:migrate:status": read("lists migrations"),
        ],
        "typeorm": [
            "schema:drop": drop("drops every table"), "migration:revert": drop("reverts the last migration"), "schema:sync": drop("makes the database match the entities, dropping what they do not name"),
            "migration:run": write("applies migrations"), "migration:generate": write("writes a migration file"), "migration:create": write("writes a migration file"),
            "migration:show": read("lists migrations"), "schema:log": read("prints the SQL schema:sync would run"),
        ],
        "flyway": [
            "clean": drop("drops every object in the configured schemas"), "undo": drop("undoes migrations"), "migrate": write("applies migrations"),
            "baseline": write("baselines the schema history"), "repair": write("repairs the schema history"), "info": read("lists migrations"), "validate": read("validates migrations"),
        ],
        "liquibase": [
            "drop-all": drop("drops every object"), "dropAll": drop("drops every object"), "rollback": drop("rolls changes back"), "rollback-count": drop("rolls changes back"),
            "rollbackCount": drop("rolls changes back"), "rollback-to-date": drop("rolls changes back"), "rollbackToDate": drop("rolls changes back"),
            "update": write("applies changes"), "update-count": write("applies changes"), "updateCount": write("applies changes"), "tag": write("tags the database state"),
            "status": read("lists pending changes"), "history": read("lists applied changes"), "validate": read("validates the changelog"), "diff": read("prints differences"),
            "update-sql": read("prints the SQL update would run"), "updateSQL": read("prints the SQL update would run"),
        ],
        "diesel": [
            "database reset": drop("drops and recreates the database"), "database drop": drop("drops the database"), "migration revert": drop("reverts migrations"),
            "migration redo": drop("reverts and reapplies migrations"), "migration run": write("applies migrations"), "database setup": write("creates the database and applies migrations"),
            "setup": write("creates the database"), "migration generate": write("writes a migration"), "migration list": read("lists migrations"), "migration pending": read("checks for pending migrations"),
        ],
        "sqlx": [
            "database drop": drop("drops the database"), "database reset": drop("drops and recreates the database"), "migrate revert": drop("reverts migrations"),
            "database create": write("creates the database"), "database setup": write("creates the database and applies migrations"), "migrate run": write("applies migrations"),
            "migrate add": write("writes a migration"), "migrate info": read("lists migrations"), "prepare": write("writes query metadata"),
        ],
        "goose": [
            "down": drop("migrates down"), "down-to": drop("migrates down"), "reset": drop("rolls back every migration"), "redo": drop("reruns the last migration down and up"),
            "up": write("applies migrations"), "up-by-one": write("applies a migration"), "up-to": write("applies migrations"), "create": write("writes a migration"), "fix": write("renumbers migrations"),
            "status": read("lists migrations"), "version": read("prints the version"), "validate": read("checks migrations"),
        ],
        "migrate": [
            "down": drop("migrates down"), "drop": drop("drops everything in the database"), "up": write("applies migrations"), "force": write("sets the recorded version"),
            "create": write("writes a migration"), "version": read("prints the version"),
        ],
        "dbmate": [
            "drop": drop("drops the database"), "down": drop("rolls back a migration"), "rollback": drop("rolls back a migration"), "up": write("creates and migrates the database"),
            "migrate": write("applies migrations"), "create": write("creates the database"), "new": write("writes a migration"), "dump": write("writes the schema file"),
            "status": read("lists migrations"), "wait": read("waits for the database"),
        ],
        "atlas": [
            "schema clean": drop("drops every object in the schema"), "migrate down": drop("reverts migrations"), "migrate apply": write("applies migrations"),
            "migrate diff": write("writes a migration"), "migrate new": write("writes a migration"), "migrate hash": write("rewrites the checksum file"),
            "schema inspect": read("prints the schema"), "migrate status": read("lists migrations"), "migrate lint": read("checks migrations"), "migrate validate": read("checks migrations"),
        ],
        "supabase": [
            "db reset": drop("recreates the database and its data"), "db push": write("applies migrations"), "migration new": write("writes a migration"),
            "migration repair": write("rewrites the migration history"), "db diff": read("prints differences"), "db lint": read("checks the schema"), "migration list": read("lists migrations"),
            "projects delete": drop("deletes the project with its database, storage and functions"), "branches delete": drop("deletes a branch and its database"),
            "storage rm": drop("deletes objects from storage"), "functions delete": drop("deletes an Edge Function"), "db dump": write("writes the schema or data to a file"),
            "projects list": read("lists projects"), "branches list": read("lists branches"), "functions list": read("lists functions"), "storage ls": read("lists objects"),
            "functions deploy": write("deploys an Edge Function"), "branches create": write("creates a branch"), "projects create": write("creates a project"),
        ],
        "drizzle-kit": [
            "push": write("makes the database match the schema"), "migrate": write("applies migrations"), "generate": write("writes migrations"), "drop": write("deletes a migration file"),
            "check": read("checks migrations"), "up": write("upgrades snapshots"),
        ],
        "artisan": [
            "migrate:fresh": drop("drops every table and migrates from nothing"), "migrate:reset": drop("rolls back every migration"), "migrate:rollback": drop("rolls back migrations"),
            "migrate:refresh": drop("rolls back and reapplies every migration"), "db:wipe": drop("drops every table, view and type"), "migrate": write("applies migrations"),
            "db:seed": write("inserts seed data"), "migrate:install": write("creates the migration table"), "migrate:status": read("lists migrations"), "db:show": read("shows the database"),
            "db:table": read("shows a table"),
        ],
        "console": [
            "doctrine:database:drop": drop("drops the database"), "doctrine:schema:drop": drop("drops every table"), "doctrine:fixtures:load": drop("purges the database and loads fixtures"),
            "doctrine:database:create": write("creates the database"), "doctrine:migrations:migrate": write("applies migrations"), "doctrine:schema:update": write("changes the schema"),
            "doctrine:schema:create": write("creates the schema"), "doctrine:migrations:diff": write("writes a migration"), "doctrine:migrations:status": read("lists migrations"),
            "doctrine:schema:validate": read("validates the mapping"), "doctrine:migrations:list": read("lists migrations"),
        ],
        "mix": [
            "ecto.drop": drop("drops the database"), "ecto.reset": drop("drops, recreates and seeds the database"), "ecto.rollback": drop("migrates down"),
            "ecto.create": write("creates the database"), "ecto.migrate": write("applies migrations"), "ecto.setup": write("creates, migrates and seeds the database"),
            "ecto.gen.migration": write("writes a migration"), "ecto.migrations": read("lists migrations"),
        ],
        "ef": [
            "database drop": drop("drops the database"), "database update": write("applies migrations"), "migrations add": write("writes a migration"),
            "migrations remove": write("deletes the last migration file"), "migrations list": read("lists migrations"), "migrations script": read("prints migration SQL"),
            "dbcontext info": read("prints context details"), "dbcontext list": read("lists contexts"),
        ],
    ]

    static let aliases: [String: String] = [
        "sequelize-cli": "sequelize", "typeorm-ts-node-commonjs": "typeorm", "typeorm-ts-node-esm": "typeorm", "rake": "rails", "django-admin": "manage.py",
        "django-admin.py": "manage.py",
    ]

    /// Operation prefixes for tools known by a script's name.
    static let operationNames: [String: String] = ["manage.py": "django", "console": "symfony", "ef": "dotnet_ef", "artisan": "laravel"]

    /// Every name `knows` answers yes to.
    static let toolNames: Set<String> = Set(verbs.keys).union(aliases.keys).union(["rails", "manage.py"])

    /// Whether `tool` (a command name or a script's base name) is one of these tools.
    static func knows(_ tool: String) -> Bool {
        let name = aliases[tool] ?? tool
        return name == "rails" || name == "manage.py" || verbs[name] != nil
    }

    /// Facts for `tool arguments…`, or nil when the verb is not one listed (or computed at run time).
    static func classify(tool rawTool: String, _ arguments: [String?]) -> [Finding]? {
        let tool = aliases[rawTool] ?? rawTool
        let words = arguments.compactMap { $0 }.filter { !$0.hasPrefix(ascii: "-") || $0 == "-T" || $0 == "--tasks" || $0 == "-P" }
        let flags = Set(arguments.compactMap { $0 }.filter { $0.hasPrefix(ascii: "-") }.map { $0.pieces(between: "=").first.map(String.init) ?? $0 })
        // Operations name the tool and the verb, without spaces: `shell:prisma:migrate_reset`.
        let op = "shell:" + (operationNames[tool] ?? tool)
        func finding(_ verb: String, _ found: Verb) -> Finding {
            Finding(operation: op + ":" + String(verb.map { $0 == " " ? "_" : $0 }), effect: found.effect, categories: found.categories,
                    reason: "`\(rawTool) \(verb)` \(found.what)")
        }
        switch tool {
        case "rails":
            // Several tasks may be named, each run in turn (`db:drop db:create db:migrate`); a task
            // not listed is project code. `VAR=value` words set variables for the tasks. Other
            // first words (`generate`, `console`, `runner`) are commands with arguments of their own.
            let tasks = words.filter { !$0.contains("=") }
            guard let first = tasks.first, railsTasks[first] != nil || first.contains(":"), !arguments.contains(where: { $0 == nil }) else { return nil }
            var out: [Finding] = []
            for task in tasks {
                if let found = railsTasks[task] {
                    out.append(finding(task, found))
                } else {
                    out.append(Finding(operation: op + ":" + task, effect: .unknown, targetsComplete: false, reason: "`\(rawTool) \(task)` runs a task this classifier does not know"))
                }
            }
            return out
        case "manage.py":
            guard let command = words.first, arguments.first != nil else { return nil }
            guard var found = djangoCommands[command] else { return nil }
            if command == "migrate", arguments.contains(where: { $0 == nil }) {
                // `migrate $APP zero`: a computed word shifts the ones after it.
                found = Verb(effect: .unknown, what: "migrates to a target computed at run time, which may unapply migrations")
            } else if command == "migrate", words.count >= 3 {
                // `migrate APP zero` unapplies every migration of the app; `migrate APP 0003` may go back.
                found = words[2] == "zero" ? drop("unapplies every migration of `\(words[1])`, dropping its tables")
                    : Verb(effect: .unknown, what: "moves `\(words[1])` to migration `\(words[2])`, which may unapply migrations")
            }
            if command == "dumpdata", flags.contains("-o") || flags.contains("--output") { found = write("writes the database's data to a file") }
            return [finding(command, found)]
        default:
            guard let table = verbs[tool] else { return nil }
            // The first word, or pair of words, that names a verb.
            for (index, word) in words.enumerated() {
                let pair = index + 1 < words.count ? word + " " + words[index + 1] : nil
                guard let (verb, listed) = pair.flatMap({ pair in table[pair].map { (pair, $0) } }) ?? table[word].map({ (word, $0) }) else { continue }
                var found = listed
                switch (tool, verb) {
                case ("prisma", "db push") where flags.contains("--force-reset") || flags.contains("--accept-data-loss"):
                    found = drop(flags.contains("--force-reset") ? "resets the database to match the schema" : "makes the database match the schema, accepting data loss")
                case ("drizzle-kit", "push") where flags.contains("--force"):
                    found = drop("makes the database match the schema, approving statements that lose data")
                case ("console", "doctrine:fixtures:load") where flags.contains("--append"):
                    found = write("appends fixtures")
                case ("console", "doctrine:migrations:migrate") where words.contains("first") || words.contains("prev"):
                    found = drop("migrates down")
                case ("console", "doctrine:schema:update") where flags.contains("--force"):
                    found = Verb(effect: .unknown, what: "changes the schema to match the mapping, which may drop columns")
                case ("ef", "database update") where index + 2 < words.count:
                    // A target migration: `0` unapplies them all, an earlier one some.
                    found = words[index + 2] == "0" ? drop("unapplies every migration") : Verb(effect: .unknown, what: "moves the database to migration `\(words[index + 2])`, which may unapply migrations")
                case ("ef", "migrations remove") where flags.contains("--force"):
                    found = drop("reverts the last migration in the database and deletes it")
                default:
                    break
                }
                return [finding(verb, found)]
            }
            return nil
        }
    }
}
