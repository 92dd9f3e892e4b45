"""The approver console in a real browser: headless Chromium driven by Selenium, against
`interlock serve`. Prints one JSON line per step and exits non-zero at the first expectation that
fails. The Swift test (ConsoleBrowserTests) starts the gateway and passes:

  INTERLOCK_GATEWAY_URL   the gateway
  TOKEN_ALICE, TOKEN_BOB  senior reviewers;  TOKEN_LENA  the human who launched the agent
  TOKEN_AGENT             the agent (launched by lena)
  CHROMIUM, CHROMEDRIVER  the browser and its driver, given explicitly
  SCREENSHOTS             where the queue and card screenshots go (phone and desktop widths)
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from scenario_steps import expect, step

GATEWAY = os.environ["INTERLOCK_GATEWAY_URL"]
SHOTS = os.environ["SCREENSHOTS"]
os.makedirs(SHOTS, exist_ok=True)


def api(method, path, token, body=None):
    request = urllib.request.Request(GATEWAY + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def post_form(path, fields, cookie=None, origin=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = f"interlock_session={cookie}"
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(GATEWAY + path, data=urllib.parse.urlencode(fields).encode(), method="POST", headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def action(command):
    return {"environment": "production", "input": {"kind": "shell", "command": command},
            "context": {"why": "the disk is full of last month's exports", "rollback": "restore /srv/exports from the nightly snapshot",
                        "alternatives": ["compress them", "move them to cold storage"], "impact": "frees 40 GB; nothing reads them"}}


options = webdriver.ChromeOptions()
options.binary_location = os.environ["CHROMIUM"]
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
    options.add_argument(flag)
browser = webdriver.Chrome(service=Service(executable_path=os.environ["CHROMEDRIVER"]), options=options)
wait = WebDriverWait(browser, 15)


def sign_in(token):
    browser.delete_all_cookies()
    browser.get(GATEWAY + "/console/sign-in")
    page = browser.find_element(By.TAG_NAME, "html")
    field = browser.find_element(By.NAME, "token")
    field.send_keys(token)
    field.submit()
    # Wait for the answer to the POST to replace the page: navigating on before it arrives
    # cancels the request, and with it the session cookie (the test then times out on a
    # sign-in page it did not expect, now and then).
    wait.until(EC.staleness_of(page))
    wait.until(lambda b: b.execute_script("return document.readyState") == "complete")


def card(request_id):
    browser.get(f"{GATEWAY}/console/requests/{request_id}")
    return wait.until(EC.presence_of_element_located((By.ID, "votes")))


def shoot(name):
    for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        browser.set_window_size(width, height)
        time.sleep(0.3)
        browser.save_screenshot(os.path.join(SHOTS, f"{name}-{label}.png"))
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = browser.execute_script(
            "return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".slice(0, 3).map(e => e.tagName + '.' + e.className)")
        expect(overflow <= 1, f"{name} at {label} width scrolls sideways by {overflow}px: {wide}")
    browser.set_window_size(1280, 900)


try:
    # The agent files a gated action through the API.
    status, decision = api("POST", "/v1/actions", os.environ["TOKEN_AGENT"], action("rm -rf /srv/exports/2026-10"))
    expect(status == 200 and decision["outcome"] == "pending", f"the action is gated: {decision}")
    request_id = decision["approval"]["id"]
    step("agent filed a gated action", request=request_id)

    # Agent tokens cannot sign in.
    sign_in(os.environ["TOKEN_AGENT"])
    expect("Agent tokens cannot sign in" in browser.page_source, "an agent token is refused at sign-in")
    expect(browser.get_cookie("interlock_session") is None, "no session for an agent")
    step("agent token refused at sign-in")

    # Senior A signs in: the queue lists the request, with security headers on the page.
    sign_in(os.environ["TOKEN_ALICE"])
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"a[data-id='{request_id}']")))
    cookie = browser.get_cookie("interlock_session")
    expect(cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", f"the session cookie is HttpOnly and SameSite=Strict: {cookie}")
    with urllib.request.urlopen(urllib.request.Request(GATEWAY + "/console/queue", headers={"Cookie": f"interlock_session={cookie['value']}"})) as page:
        csp = page.headers["Content-Security-Policy"]
    expect("script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, f"strict CSP: {csp}")
    shoot("queue")
    step("alice sees the queue", cookie=cookie["sameSite"])

    # The card shows the context.
    card(request_id)
    text = browser.find_element(By.TAG_NAME, "main").text
    for expected in ("rm -rf /srv/exports/2026-10", "the disk is full of last month's exports", "restore /srv/exports from the nightly snapshot",
                     "compress them", "frees 40 GB", "production-data-loss", "shell:rm", "0 of 2"):
        expect(expected in text, f"the card shows {expected!r}")
    shoot("card")
    step("alice sees the card with its context")

    # A POST without the CSRF token, or from another origin, is refused.
    status, _ = post_form(f"/console/requests/{request_id}/approve", {"comment": "forged"}, cookie=cookie["value"])
    expect(status == 403, f"an approval without the CSRF token is refused: {status}")
    csrf = browser.find_element(By.NAME, "csrf").get_attribute("value")
    status, _ = post_form(f"/console/requests/{request_id}/approve", {"csrf": csrf}, cookie=cookie["value"], origin="https://evil.example")
    expect(status == 403, f"an approval from another origin is refused: {status}")
    status, body = api("GET", f"/v1/approvals/{request_id}", os.environ["TOKEN_ALICE"])
    expect(body["approvals"] == 0, "nothing was recorded by the forged posts")
    step("CSRF-less and cross-origin posts refused")

    # A approves; A cannot approve again.
    browser.find_element(By.NAME, "comment").send_keys("exports are archived in S3")
    browser.find_element(By.ID, "approve").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "1 more needed"))
    expect(not browser.find_element(By.ID, "approve").is_enabled(), "the approve button is disabled after approving")
    expect("You approved this already" in browser.find_element(By.ID, "cannot-vote").text, "the reason is shown")
    csrf = browser.find_element(By.NAME, "csrf").get_attribute("value")
    status, _ = post_form(f"/console/requests/{request_id}/approve", {"csrf": csrf}, cookie=cookie["value"])
    expect(status == 409, f"a second approval by the same human is refused: {status}")
    step("alice approved once; a second approval refused")

    # The requester is refused: the agent cannot approve, and the human who launched it sees the
    # buttons disabled with the reason.
    status, body = api("POST", f"/v1/approvals/{request_id}/approve", os.environ["TOKEN_AGENT"], {})
    expect(status == 403, f"the requesting agent cannot approve: {status} {body}")
    sign_in(os.environ["TOKEN_LENA"])
    card(request_id)
    expect(not browser.find_element(By.ID, "approve").is_enabled(), "the launching human's approve button is disabled")
    expect("launched the agent" in browser.find_element(By.ID, "cannot-vote").text, "with the reason")
    step("the requester and the launching human are refused")

    # Senior B approves; the agent's identical retry passes once.
    sign_in(os.environ["TOKEN_BOB"])
    card(request_id)
    browser.find_element(By.ID, "approve").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "may now run once"))
    status, decision = api("POST", "/v1/actions", os.environ["TOKEN_AGENT"], action("rm -rf /srv/exports/2026-10"))
    expect(decision["outcome"] == "allow" and decision["code"] == "approved", f"the identical retry is allowed: {decision}")
    status, decision = api("POST", "/v1/actions", os.environ["TOKEN_AGENT"], action("rm -rf /srv/exports/2026-10"))
    expect(decision["outcome"] == "pending", f"and only once: {decision}")
    step("bob approved; the identical retry passed once")

    # The queue updates without a reload.
    browser.get(GATEWAY + "/console/queue")
    wait.until(EC.presence_of_element_located((By.ID, "queue")))
    status, decision = api("POST", "/v1/actions", os.environ["TOKEN_AGENT"], action("rm -rf /srv/exports/2026-09"))
    live = decision["approval"]["id"]
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, f"a[data-id='{live}']")))
    step("the queue showed a new request without a reload", request=live)

    # The kill switch: engaged from the console, a banner on every page, approvals blocked.
    browser.get(GATEWAY + "/console/kill")
    form = browser.find_element(By.ID, "engage")
    form.find_element(By.NAME, "reason").send_keys("agent is looping")
    form.find_element(By.NAME, "confirm").click()
    browser.find_element(By.ID, "engage-button").click()
    wait.until(EC.presence_of_element_located((By.ID, "kill-banner")))
    for path in ("/console/queue", "/console/history", f"/console/requests/{live}"):
        browser.get(GATEWAY + path)
        expect(browser.find_elements(By.ID, "kill-banner"), f"the kill banner is on {path}")
    expect(not browser.find_element(By.ID, "approve").is_enabled(), "approving is disabled while the switch is engaged")
    expect("kill switch" in browser.find_element(By.ID, "cannot-vote").text.lower(), "with the reason")
    bob_cookie = browser.get_cookie("interlock_session")["value"]
    csrf = browser.find_element(By.NAME, "csrf").get_attribute("value")
    status, _ = post_form(f"/console/requests/{live}/approve", {"csrf": csrf}, cookie=bob_cookie)
    expect(status == 409, f"an approval while the switch is engaged is refused: {status}")
    status, decision = api("POST", "/v1/actions", os.environ["TOKEN_AGENT"], {"environment": "production", "input": {"kind": "shell", "command": "ls /srv"}})
    expect(decision["outcome"] == "deny" and decision["code"] == "kill_switch", f"actions are refused: {decision}")
    browser.get(GATEWAY + "/console/kill")
    release = browser.find_element(By.CSS_SELECTOR, "ul.engaged form")
    release.find_element(By.NAME, "confirm").click()
    release.find_element(By.TAG_NAME, "button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "released"))
    expect(not browser.find_elements(By.ID, "kill-banner"), "the banner is gone after release")
    step("kill switch: banner on every page, approvals and actions refused, released")

    # History, audit verification, grants and agents pages.
    browser.get(GATEWAY + "/console/history")
    expect(request_id in browser.page_source, "history lists the decided request")
    browser.get(GATEWAY + "/console/audit")
    browser.find_element(By.ID, "verify").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "verification"), "Verified"))
    browser.get(GATEWAY + "/console/grants")
    browser.find_element(By.NAME, "agent").send_keys("bot")
    browser.find_element(By.NAME, "environment").send_keys("production")
    browser.find_element(By.NAME, "operations").send_keys("shell:ls")
    browser.find_element(By.NAME, "targets").send_keys("/srv/**")
    browser.find_element(By.NAME, "reason").send_keys("read-only look around")
    browser.find_element(By.CSS_SELECTOR, "form.stack button.primary").click()
    notice = wait.until(EC.presence_of_element_located((By.ID, "notice"))).text
    expect("created" in notice, f"the grant is created: {notice}")
    browser.find_element(By.CSS_SELECTOR, "table.list form button").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "notice"), "revoked"))
    browser.get(GATEWAY + "/console/agents")
    expect(browser.find_elements(By.ID, "agent-bot"), "the agents page shows the agent")
    step("history, audit verify, grants and agents pages work")
    step("done")
finally:
    browser.quit()
