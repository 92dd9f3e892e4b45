/// The console's stylesheet and its one script, served from the binary under `/console/static/`.
/// The pages work without the script (progressive enhancement): it only refreshes the queue and
/// the countdowns in place.
public enum ConsoleAssets {
    public static func asset(named name: String) -> (contentType: String, body: String)? {
        switch name {
        case "console.css": ("text/css; charset=utf-8", css)
        case "console.js": ("text/javascript; charset=utf-8", javascript)
        default: nil
        }
    }

    static let css = """
        :root { --fg: #1b1f24; --muted: #5b6470; --bg: #fbfbfc; --card: #fff; --line: #d9dde3; --accent: #1f5fbf;
          --danger: #b42318; --warn-bg: #fff4e5; --warn: #8a4b00; --ok: #1a7f37; --prod: #b42318; --staging: #9a6700; --dev: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; background: #101418; color: #fff; }
        header.top a { color: #fff; text-decoration: none; }
        .brand { font-weight: 700; letter-spacing: .02em; }
        nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; flex: 1; }
        nav a[aria-current] { text-decoration: underline; text-underline-offset: .3em; }
        .signout { display: flex; align-items: center; gap: .5rem; margin: 0; }
        .signout .who { opacity: .8; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
        code { overflow-wrap: anywhere; word-break: break-word; }
        section, dl.facts dd, li { min-width: 0; }
        table.plan { display: block; overflow-x: auto; }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .2rem 1rem .8rem; margin: .8rem 0; }
        .banner.kill { background: var(--danger); color: #fff; padding: .6rem 1rem; }
        .notice { padding: .6rem 1rem; border-radius: 6px; margin: .6rem auto; max-width: 60rem; }
        .notice-ok { background: #e6f4ea; color: var(--ok); }
        .notice-error { background: #fdecea; color: var(--danger); }
        .warning { background: var(--warn-bg); color: var(--warn); padding: .5rem .8rem; border-radius: 6px; font-weight: 600; }
        .missing { color: var(--warn); font-style: italic; }
        .meta, .crumb { color: var(--muted); font-size: .9rem; }
        .empty { color: var(--muted); padding: 1rem 0; }
        .tag { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid var(--line); background: #f1f3f5; }
        .env-production { background: var(--prod); color: #fff; border-color: var(--prod); }
        .env-staging { background: var(--staging); color: #fff; border-color: var(--staging); }
        .env-development { background: var(--dev); color: #fff; border-color: var(--dev); }
        .effect-destructive, .outcome-deny { color: var(--danger); border-color: var(--danger); background: #fdecea; }
        .effect-unknown { color: var(--warn); border-color: var(--warn); background: var(--warn-bg); }
        .effect-write { color: var(--accent); border-color: var(--accent); background: #e8f0fc; }
        .request { display: grid; grid-template-columns: auto auto auto 1fr; gap: .2rem .6rem; align-items: center; padding: .7rem .8rem;
          margin: .5rem 0; background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 8px; color: inherit; text-decoration: none; }
        .request:hover { border-color: var(--accent); }
        .request .what { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; overflow-wrap: anywhere; }
        .request .meta { grid-column: 1 / -1; }
        .request .left { font-weight: 700; font-variant-numeric: tabular-nums; }
        .urgency-high { border-left-color: var(--danger); }
        .urgency-medium { border-left-color: var(--staging); }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: .5rem; }
        .code { background: #0f1720; color: #e6edf3; padding: .8rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .88rem; }
        .code .kw { color: #ff7b72; font-weight: 700; }
        .code .str { color: #a5d6ff; }
        .code .num { color: #79c0ff; }
        .code .cmd { color: #ffa657; font-weight: 700; }
        .code .opt { color: #d2a8ff; }
        .code .cmt { color: #8b949e; }
        .code .red { color: #ffdf5d; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.what { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
        .stack { display: flex; flex-direction: column; gap: .6rem; max-width: 32rem; }
        .stack label { display: flex; flex-direction: column; gap: .2rem; }
        input, select, textarea, button { font: inherit; }
        input, select, textarea { padding: .45rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        button { padding: .5rem 1rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button.danger { background: var(--danger); color: #fff; border-color: var(--danger); }
        button[disabled] { opacity: .45; cursor: not-allowed; }
        .buttons { display: flex; gap: .6rem; flex-wrap: wrap; }
        .disabled-reason { color: var(--warn); font-weight: 600; }
        .rejected { color: var(--danger); }
        form.inline { display: inline-flex; gap: .5rem; align-items: center; margin-left: .5rem; }
        @media (max-width: 40rem) {
          main { padding: .6rem; }
          .request { grid-template-columns: auto 1fr; }
          .request .what { grid-column: 1 / -1; }
          table.list thead { display: none; }
          table.list tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
          table.list td { display: block; border: 0; padding: .1rem 0; }
          nav { order: 3; flex-basis: 100%; }
        }
        """

    static let javascript = """
        // Interlock console: refreshes the queue and the countdowns in place. The pages work without it.
        "use strict";
        (function () {
          function left(seconds) {
            if (seconds <= 0) { return "expired"; }
            var m = Math.floor(seconds / 60), s = Math.floor(seconds % 60);
            return m >= 60 ? Math.floor(m / 60) + " h " + (m % 60) + " min" : m + " min " + (s < 10 ? "0" : "") + s + " s";
          }
          function tick() {
            var now = Date.now() / 1000;
            document.querySelectorAll("[data-expires]").forEach(function (el) {
              el.textContent = left(Number(el.getAttribute("data-expires")) - now);
            });
          }
          function refresh() {
            var queue = document.getElementById("queue");
            if (!queue) { return; }
            fetch(queue.getAttribute("data-refresh"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
              .then(function (r) { return r.ok ? r.text() : null; })
              .then(function (html) { if (html !== null) { queue.innerHTML = html; tick(); } })
              .catch(function () {});
          }
          document.addEventListener("DOMContentLoaded", function () {
            tick();
            setInterval(tick, 1000);
            if (document.getElementById("queue")) { setInterval(refresh, 3000); }
          });
        })();
        """
}
