"""Check every page a browser test reaches with axe-core (WCAG 2.2 A/AA) and reflow at 320 px."""

import json
from collections import Counter
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Keyboard, Locator, Page

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
REFLOW_WIDTH = 320
SUMMARY = Path(__file__).resolve().parents[2] / "test-artifacts" / "accessibility"

# Every Locator / Page / Keyboard call that acts on the page: the document is checked just before
# the test acts on it (or leaves it), so each loaded document is checked in the state the user sees.
ACTIONS = {
    Locator: (
        "click",
        "dblclick",
        "fill",
        "press",
        "press_sequentially",
        "check",
        "uncheck",
        "select_option",
        "set_input_files",
        "tap",
        "type",
        "focus",
        "hover",
        "set_checked",
    ),
    Page: ("goto", "reload", "go_back", "go_forward", "click", "fill", "press", "keyboard"),
    Keyboard: ("press", "type", "down", "insert_text"),
}


# A fingerprint of what the document shows (its text, element classes and form states), so a
# screen seen before at the same width (the login page in every test) is not checked again.
FINGERPRINT = """() => {
    const parts = [document.title, document.body.innerText];
    for (const el of document.body.querySelectorAll("*")) {
        parts.push(el.tagName, el.className.baseVal ?? el.className,
                   el.getAttribute("aria-invalid"), el.getAttribute("aria-expanded"), el.hidden,
                   el === document.activeElement);
    }
    const text = parts.join("|");
    let hash = 0;
    for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
    return `${text.length}:${hash}`;
}"""


class Record:
    """What the whole session checked: one entry per document and state, with its violations."""

    def __init__(self):
        self.checks = []
        self.seen = set()
        self.repeats = 0

    def add(self, test, width, url, state, violations, overflow):
        self.checks.append(
            {
                "test": test,
                "width": width,
                "url": url,
                "state": state,
                "violations": violations,
                "overflow_at_320": overflow,
            }
        )

    def write(self):
        if not self.checks:
            return
        SUMMARY.mkdir(parents=True, exist_ok=True)
        (SUMMARY / "checks.json").write_text(json.dumps(self.checks, indent=1, ensure_ascii=False))
        pages = {(c["width"], c["url"].split("?")[0]) for c in self.checks}
        rules = Counter(v["id"] for c in self.checks for v in c["violations"])
        failing = [c for c in self.checks if c["violations"] or c["overflow_at_320"]]
        lines = [
            f"checks (document states): {len(self.checks)}",
            f"distinct (width, path): {len(pages)}",
            f"distinct paths: {len({p for _, p in pages})}",
            f"states with violations: {len(failing)}",
            f"repeats of an already checked screen (not checked again): {self.repeats}",
            "violations by rule: "
            + (", ".join(f"{r}×{n}" for r, n in rules.most_common()) or "none"),
            "",
        ]
        lines += [f"{c['width']:>5} {c['state']:<24} {c['url']}" for c in self.checks]
        (SUMMARY / "summary.txt").write_text("\n".join(lines) + "\n")


RECORD = Record()


class Watch:
    """Run axe on a page's document once, before the test next acts on it."""

    def __init__(self, page, test_name, width):
        self.page = page
        self.test_name = test_name
        self.width = width
        self.pending = False
        self.busy = False
        self.failures = []
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.pending = True

    def check(self, state="load"):
        """Check the current document now, unless a check is already running."""
        if self.busy or self.page.is_closed():
            return
        self.busy = True
        # axe adds <style> elements while it runs; the policy blocks those, not the page's own.
        reported = getattr(self.page, "csp_violations", [])
        before = len(reported)
        try:
            self._check(state)
        finally:
            del reported[before:]
            self.busy = False
            self.pending = False

    def check_pending(self):
        if self.pending:
            self.check()

    def _check(self, state):
        page = self.page
        for _attempt in range(3):
            try:
                page.wait_for_load_state("load")
                url = page.url
                if not url.startswith("http"):
                    return
                key = (self.width, url.split("?")[0], page.evaluate(FINGERPRINT))
                if key in RECORD.seen:
                    RECORD.repeats += 1
                    return
                if not page.evaluate("() => typeof window.axe === 'object'"):
                    page.evaluate(AXE_SCRIPT)
                results = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
                overflow = self._overflow_at_320() if self.width < 1000 else None
                break
            except PlaywrightError as error:
                # The page navigated away on its own (an auto-posting form): check the next one.
                if "context was destroyed" not in str(error) and "navigat" not in str(error):
                    raise
        else:
            return
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]][:8],
            }
            for v in results["violations"]
        ]
        RECORD.seen.add(key)
        RECORD.add(self.test_name, self.width, url, state, violations, overflow)
        for violation in violations:
            self.failures.append(
                f"[{self.width}px {state}] {url}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} → {'; '.join(violation['targets'])}"
            )
        if overflow:
            self.failures.append(f"[{state}] {url}: scrolls sideways at 320 px ({overflow})")

    def _overflow_at_320(self):
        page = self.page
        size = page.viewport_size
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
        try:
            return page.evaluate(
                """() => {
                    const root = document.documentElement;
                    if (root.scrollWidth <= root.clientWidth) return null;
                    const wide = [...document.body.querySelectorAll("*")]
                        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
                        .filter((el) => getComputedStyle(el).position !== "fixed")
                        .slice(0, 3)
                        .map((el) => el.tagName.toLowerCase() + (el.className ? "." +
                             String(el.className).trim().split(/\\s+/).join(".") : ""));
                    return `${root.scrollWidth}px wide: ${wide.join(", ")}`;
                }"""
            )
        finally:
            page.set_viewport_size(size)


def install_action_hooks(monkeypatch, watches):
    """Make every page action first check the document the test is about to act on."""

    def hooked(original):
        def action(self, *args, **kwargs):
            for watch in watches:
                if not watch.busy:
                    watch.check_pending()
            return original(self, *args, **kwargs)

        action.__wrapped__ = original
        return action

    for cls, names in ACTIONS.items():
        for name in names:
            attribute = getattr(cls, name)
            if isinstance(attribute, property):
                continue
            monkeypatch.setattr(cls, name, hooked(attribute))
