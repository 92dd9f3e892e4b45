/// The console's Mustache templates, compiled into the binary (no files to ship or find). Double
/// braces escape for HTML; triple braces are used only for HTML this module built itself.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "queue": queue, "queue-rows": queueRows, "card": card, "history": history,
        "audit": audit, "kill": kill, "grants": grants, "agents": agents, "message": message,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{title}} · Interlock</title>
        <link rel="stylesheet" href="/console/static/console.css">
        <script src="/console/static/console.js" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/console/queue">Interlock</a>
          {{#signedIn}}
          <nav>
            <a href="/console/queue"{{#nav_queue}} aria-current="page"{{/nav_queue}}>Queue</a>
            <a href="/console/history"{{#nav_history}} aria-current="page"{{/nav_history}}>History</a>
            <a href="/console/agents"{{#nav_agents}} aria-current="page"{{/nav_agents}}>Agents</a>
            <a href="/console/grants"{{#nav_grants}} aria-current="page"{{/nav_grants}}>Grants</a>
            <a href="/console/kill"{{#nav_kill}} aria-current="page"{{/nav_kill}}>Kill switch</a>
            <a href="/console/audit"{{#nav_audit}} aria-current="page"{{/nav_audit}}>Audit</a>
          </nav>
          <form method="post" action="/console/sign-out" class="signout">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <span class="who">{{human}}</span> <button type="submit">Sign out</button>
          </form>
          {{/signedIn}}
        </header>
        {{#killBanners}}<div class="banner kill" role="alert" id="kill-banner"><strong>Kill switch engaged</strong> {{.}}</div>{{/killBanners}}
        {{#notice}}<div class="notice notice-{{kind}}" role="status" id="notice">{{text}}</div>{{/notice}}
        <main>
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <h1>Sign in</h1>
        <p>Reviewers sign in with their Interlock token (<code>interlock token create --human NAME --role senior</code>).
        Agent tokens cannot sign in.</p>
        <form method="post" action="/console/sign-in" class="stack">
          <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
          <input type="hidden" name="next" value="{{next}}">
          <button type="submit" class="primary">Sign in</button>
        </form>
        """

    static let queue = """
        <h1>Waiting for a decision</h1>
        <form class="filters" method="get" action="/console/queue">
          <label>Environment <select name="environment"><option value="">any</option>{{#environments}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/environments}}</select></label>
          <label>Effect <select name="effect"><option value="">any</option>{{#effects}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/effects}}</select></label>
          <label>Agent <input name="agent" value="{{agent}}" size="12"></label>
          <button type="submit">Filter</button>
        </form>
        <div id="queue" data-refresh="/console/queue/rows{{query}}" aria-live="polite">{{{rows}}}</div>
        """

    static let queueRows = """
        {{#requests}}
        <a class="request urgency-{{urgency}}" href="/console/requests/{{id}}" data-id="{{id}}">
          <span class="left" data-expires="{{expiresAt}}">{{timeLeft}}</span>
          <span class="tag env-{{environment}}">{{environment}}</span>
          <span class="tag effect-{{effect}}">{{effect}}</span>
          <span class="what">{{summary}}</span>
          <span class="meta">{{agent}} · blast radius {{blastRadius}} · {{approvals}} of {{required}} approvals · {{rule}}</span>
        </a>
        {{/requests}}
        {{^requests}}<p class="empty" id="queue-empty">Nothing is waiting for a decision.</p>{{/requests}}
        """

    static let card = """
        <p class="crumb"><a href="/console/queue">Queue</a> › <span id="request-id">{{id}}</span></p>
        <h1>{{headline}}</h1>
        <p class="state state-{{state}}" id="state">{{stateText}}{{#timeLeft}} · <span data-expires="{{expiresAt}}">{{timeLeft}}</span> left{{/timeLeft}}</p>
        {{#warnings}}<p class="warning">⚠ {{.}}</p>{{/warnings}}

        <section id="what">
          <h2>What</h2>
          <p class="meta">{{agent}}{{#launchedBy}}, launched by {{launchedBy}}{{/launchedBy}} · through {{channel}} · filed {{createdAt}}</p>
          <pre class="code"><code>{{{highlighted}}}</code></pre>
          {{#redacted}}<p class="meta">Secrets were redacted before this was stored: {{redacted}}</p>{{/redacted}}
          <details><summary>Normalized action</summary><pre class="code"><code>{{actionJSON}}</code></pre></details>
          <p class="meta">Digest <code>{{digest}}</code>: an approval covers exactly this action, once.</p>
          {{#hasDocuments}}<p class="meta">It also covers these files as they were read (an edit to any of them makes a new request):</p>
          <ul class="meta">{{#documents}}<li><code>{{path}}</code> <code>{{digest}}</code></li>{{/documents}}</ul>{{/hasDocuments}}
        </section>

        <section id="why">
          <h2>Why</h2>
          {{#why}}<p>{{why}}</p>{{/why}}{{^why}}<p class="missing">The agent gave no reason.</p>{{/why}}
        </section>

        <section id="impact">
          <h2>Impact</h2>
          <dl class="facts">
            <dt>Environment</dt><dd><span class="tag env-{{environment}}">{{environment}}</span></dd>
            <dt>Effect</dt><dd><span class="tag effect-{{effect}}">{{effect}}</span></dd>
            <dt>Targets</dt><dd>{{#targets}}<code>{{.}}</code> {{/targets}}{{^targets}}none named{{/targets}}{{^targetsComplete}} (possibly more){{/targetsComplete}}</dd>
            <dt>Blast radius</dt><dd>{{blastRadius}}</dd>
            {{#cost}}<dt>Estimated cost</dt><dd>{{cost}}</dd>{{/cost}}
            {{#impact}}<dt>Stated impact</dt><dd>{{impact}}</dd>{{/impact}}
          </dl>
          <ul class="findings">{{#findings}}<li><code>{{operation}}</code> <span class="tag effect-{{effect}}">{{effect}}</span> {{reason}}</li>{{/findings}}</ul>
          {{#hasPlan}}
          <table class="plan"><thead><tr><th>Resource</th><th>Change</th><th>Forces replacement</th></tr></thead><tbody>
          {{#planRows}}<tr><td><code>{{address}}</code></td><td>{{change}}</td><td>{{#forcing}}<code>{{.}}</code> {{/forcing}}</td></tr>{{/planRows}}
          </tbody></table>
          {{/hasPlan}}
        </section>

        <section id="alternatives">
          <h2>Alternatives considered</h2>
          {{#hasAlternatives}}<ul>{{#alternatives}}<li>{{.}}</li>{{/alternatives}}</ul>{{/hasAlternatives}}
          {{^alternatives}}<p class="missing">None stated.</p>{{/alternatives}}
        </section>

        <section id="rollback">
          <h2>Rollback plan</h2>
          {{#rollback}}<p>{{rollback}}</p>{{/rollback}}{{^rollback}}<p class="missing">None stated.</p>{{/rollback}}
        </section>

        <section id="rule">
          <h2>Why Interlock stopped it</h2>
          <p>Rule <code>{{rule}}</code>: {{requirement}}.</p>
          <p>{{message}}</p>
          {{#hasAnomalies}}<ul class="anomalies">{{#anomalies}}<li><strong>{{kind}}</strong> {{reason}}</li>{{/anomalies}}</ul>{{/hasAnomalies}}
          <details><summary>Every reason</summary><ul>{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul></details>
        </section>

        <section id="votes">
          <h2>Approvals: {{approvals}} of {{required}}</h2>
          {{#hasVotes}}<ul>{{#votes}}<li><strong>{{human}}</strong> ({{roles}}) at {{at}}{{#comment}}: “{{comment}}”{{/comment}}</li>{{/votes}}</ul>{{/hasVotes}}
          {{^votes}}<p>Nobody has approved yet.</p>{{/votes}}
          {{#rejection}}<p class="rejected">Rejected by <strong>{{human}}</strong> at {{at}}{{#comment}}: “{{comment}}”{{/comment}}</p>{{/rejection}}
          <form method="post" action="/console/requests/{{id}}/approve" class="vote stack">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>Comment <textarea name="comment" rows="2"{{^canVote}} disabled{{/canVote}}></textarea></label>
            <div class="buttons">
              <button type="submit" class="primary" id="approve"{{^canVote}} disabled{{/canVote}}>Approve</button>
              <button type="submit" class="danger" id="reject" formaction="/console/requests/{{id}}/reject"{{^canReject}} disabled{{/canReject}}>Reject</button>
            </div>
            {{#cannotVote}}<p class="disabled-reason" id="cannot-vote">{{.}}</p>{{/cannotVote}}
          </form>
        </section>
        """

    static let history = """
        <h1>Decided requests</h1>
        <table class="list"><thead><tr><th>Request</th><th>Outcome</th><th>Agent</th><th>Environment</th><th>What</th><th>Approvers</th></tr></thead><tbody>
        {{#requests}}<tr><td><a href="/console/requests/{{id}}">{{id}}</a></td><td><span class="tag state-{{state}}">{{state}}</span></td><td>{{agent}}</td><td>{{environment}}</td><td class="what">{{summary}}</td><td>{{approvers}}</td></tr>{{/requests}}
        </tbody></table>
        {{^requests}}<p class="empty">No decided requests yet.</p>{{/requests}}
        """

    static let audit = """
        <h1>Audit log</h1>
        <p>{{size}} entries. {{#checkpoint}}Latest signed checkpoint: size {{size}}, root <code>{{root}}</code>, key <code>{{key}}</code>.{{/checkpoint}}{{^checkpoint}}No checkpoint yet.{{/checkpoint}}</p>
        <form method="post" action="/console/audit/verify"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="verify">Verify the whole log</button></form>
        {{#verification}}<p class="notice notice-{{kind}}" id="verification">{{text}}</p>{{/verification}}
        <details><summary>Latest checkpoint note</summary><pre class="code"><code>{{note}}</code></pre></details>
        <table class="list"><thead><tr><th>#</th><th>Time</th><th>Kind</th><th>Who</th><th>What</th><th>Outcome</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{index}}</td><td>{{time}}</td><td>{{kind}}</td><td>{{principal}}</td><td class="what">{{what}}</td><td>{{outcome}}</td></tr>{{/entries}}
        </tbody></table>
        """

    static let kill = """
        <h1>Kill switch</h1>
        <p>Engaged, a switch refuses every action in its scope at once, and approvals in its scope wait.</p>
        {{#hasEngaged}}
        <h2>Engaged</h2>
        <ul class="engaged">
        {{#engaged}}<li><strong>{{scope}}</strong> by {{by}} at {{at}}{{#reason}}: {{reason}}{{/reason}}
          <form method="post" action="/console/resume" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="scope" value="{{scopeValue}}">
            <label><input type="checkbox" name="confirm" value="yes" required> I am sure</label>
            <button type="submit">Release</button>
          </form></li>{{/engaged}}
        </ul>
        {{/hasEngaged}}
        <h2>Engage</h2>
        <form method="post" action="/console/kill" class="stack" id="engage">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Scope <select name="scope"><option value="all">everything</option>{{#agents}}<option value="agent:{{.}}">agent {{.}}</option>{{/agents}}{{#environments}}<option value="environment:{{.}}">environment {{.}}</option>{{/environments}}</select></label>
          <label>Reason <input name="reason" required></label>
          <label><input type="checkbox" name="confirm" value="yes" required> I understand that this stops every action in the scope now</label>
          <button type="submit" class="danger" id="engage-button">Engage the kill switch</button>
        </form>
        """

    static let grants = """
        <h1>Grants</h1>
        <p>A grant lets one agent run named operations on named targets in one environment, for a while, without a review each time. It never lifts a block.</p>
        <table class="list"><thead><tr><th>Grant</th><th>Agent</th><th>Environment</th><th>Operations</th><th>Targets</th><th>Tier</th><th>Expires</th><th>Uses left</th><th></th></tr></thead><tbody>
        {{#grants}}<tr><td>{{id}}</td><td>{{agent}}</td><td>{{environment}}</td><td>{{operations}}</td><td>{{targets}}</td><td>{{tier}}</td><td>{{expires}}</td><td>{{uses}}</td>
          <td><form method="post" action="/console/grants/{{id}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Revoke</button></form></td></tr>{{/grants}}
        </tbody></table>
        {{^grants}}<p class="empty">No active grants.</p>{{/grants}}
        <h2>New grant</h2>
        <form method="post" action="/console/grants" class="stack">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label>Agent <input name="agent" required></label>
          <label>Environment <input name="environment" required></label>
          <label>Operations (one per line, globs allowed) <textarea name="operations" rows="2" placeholder="aws:ec2:RebootInstances"></textarea></label>
          <label>Targets (one per line) <textarea name="targets" rows="2"></textarea></label>
          <label>For <input name="for" value="2h" required></label>
          <label>Uses <input name="uses" inputmode="numeric"></label>
          <label>Tier <select name="tier"><option>supervised</option><option>autonomous</option></select></label>
          <label>Reason <input name="reason" required></label>
          <button type="submit" class="primary">Grant</button>
        </form>
        """

    static let agents = """
        <h1>Agents</h1>
        {{#agents}}
        <section class="agent" id="agent-{{name}}">
          <h2>{{name}}</h2>
          <p class="meta">{{count}} recent decisions · {{refused}} refused{{#anomalies}} · {{anomalies}} anomalies{{/anomalies}}</p>
          <table class="list"><tbody>
          {{#recent}}<tr><td>{{time}}</td><td>{{environment}}</td><td class="what">{{what}}</td><td><span class="tag outcome-{{outcome}}">{{outcome}}</span></td><td>{{flag}}</td></tr>{{/recent}}
          </tbody></table>
        </section>
        {{/agents}}
        {{^agents}}<p class="empty">No agent has acted recently.</p>{{/agents}}
        """

    static let message = """
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        {{#back}}<p><a href="{{back}}">Back</a></p>{{/back}}
        """
}
