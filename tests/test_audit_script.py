"""scripts/audit can fail: bandit fails on a known issue, and the advisory steps tell a
database that cannot be reached (skipped, loudly) from one that reports a vulnerability."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit"


@pytest.fixture(scope="module")
def audit():
    loader = importlib.machinery.SourceFileLoader("petal_audit_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up there
    loader.exec_module(module)
    yield module
    del sys.modules[loader.name]


def test_bandit_step_fails_on_a_shell_call(audit, tmp_path):
    bad = tmp_path / "shell_call.py"
    bad.write_text(
        "import subprocess\n\n\ndef run(x):\n    return subprocess.call(x, shell=True)\n"
    )
    result = audit.bandit_step([str(tmp_path)])
    assert result.status == audit.FAILED
    assert any("shell_call.py:5 B602" in line for line in result.details)


def test_bandit_step_passes_clean_code(audit, tmp_path):
    (tmp_path / "fine.py").write_text("def add(a, b):\n    return a + b\n")
    assert audit.bandit_step([str(tmp_path)]).status == audit.OK


def _pip_report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_pip_audit_mirror_without_advisories_is_skipped(audit):
    report = _pip_report(
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    )
    result = audit.classify_pip_audit(0, report, "No known vulnerabilities found")
    assert result.status == audit.SKIPPED
    assert "not reachable" in result.summary


def test_pip_audit_vulnerability_fails(audit):
    report = _pip_report(
        {"name": "nh3", "version": "0.3.0", "vulns": []},
        {
            "name": "django",
            "version": "5.2.0",
            "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": []}],
        },
    )
    result = audit.classify_pip_audit(1, report, "")
    assert result.status == audit.FAILED
    assert result.details == ["django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)"]


def test_pip_audit_clean_report_passes(audit):
    report = _pip_report({"name": "django", "version": "5.2.19", "vulns": []})
    assert audit.classify_pip_audit(0, report, "").status == audit.OK


def test_pip_audit_network_failure_is_skipped_but_a_crash_fails(audit):
    refused = "requests.exceptions.ConnectionError: Max retries exceeded with url: /pypi/django"
    assert audit.classify_pip_audit(1, "", refused).status == audit.SKIPPED
    assert audit.classify_pip_audit(2, "", "error: unrecognized arguments").status == audit.FAILED


def test_npm_audit_endpoint_refused_is_skipped(audit):
    answer = json.dumps({"message": "405 Method Not Allowed - POST …", "statusCode": 405})
    result = audit.classify_npm_audit(1, answer, "npm error audit endpoint returned an error")
    assert result.status == audit.SKIPPED


def test_npm_audit_vulnerability_fails(audit):
    report = {
        "auditReportVersion": 2,
        "vulnerabilities": {"htmx.org": {"severity": "moderate"}},
        "metadata": {"vulnerabilities": {"moderate": 1, "total": 1}},
    }
    result = audit.classify_npm_audit(1, json.dumps(report), "")
    assert result.status == audit.FAILED
    assert result.details == ["htmx.org: moderate"]


def test_npm_audit_clean_report_passes(audit):
    report = {
        "auditReportVersion": 2,
        "vulnerabilities": {},
        "metadata": {"vulnerabilities": {"total": 0}, "dependencies": {"total": 3}},
    }
    assert audit.classify_npm_audit(0, json.dumps(report), "").status == audit.OK


def test_skipped_steps_fail_only_when_strict(audit, monkeypatch, capsys):
    skipped = audit.Result("npm audit", audit.SKIPPED, audit.UNREACHABLE)
    monkeypatch.setitem(audit.STEPS, "npm", lambda: skipped)
    assert audit.main(["--only", "npm"]) == 0
    assert "SKIPPED: advisory database not reachable" in capsys.readouterr().out
    assert audit.main(["--only", "npm", "--strict"]) == 1
