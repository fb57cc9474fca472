"""The CI's pip-audit step fails on a known vulnerability (pip-audit itself is faked here: the
point is what .ci/audit.py makes of its answer)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parent.parent / ".ci" / "audit.py"


def fake_pip_audit(tmp_path, dependencies):
    script = tmp_path / "pip-audit"
    output = json.dumps({"dependencies": dependencies, "fixes": []})
    script.write_text(f"#!{sys.executable}\nprint({output!r})\n")
    script.chmod(0o755)
    return str(script)


def run_audit(pip_audit, **env):
    return subprocess.run(
        [sys.executable, str(AUDIT), pip_audit, "requirements.txt"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_a_known_vulnerability_fails_the_run(tmp_path):
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["5.2.2"], "aliases": []}
    pip_audit = fake_pip_audit(
        tmp_path,
        [
            {"name": "django", "version": "5.2.1", "vulns": [vuln]},
            {"name": "bleach", "version": "6.4.0", "vulns": []},
        ],
    )
    result = run_audit(pip_audit)
    assert result.returncode == 1
    assert "django 5.2.1: PYSEC-2099-1 (fixed in 5.2.2)" in result.stdout


def test_clean_requirements_pass(tmp_path):
    pip_audit = fake_pip_audit(tmp_path, [{"name": "bleach", "version": "6.4.0", "vulns": []}])
    result = run_audit(pip_audit)
    assert result.returncode == 0
    assert "No known vulnerabilities." in result.stdout


@pytest.mark.parametrize(("required", "code"), [("0", 0), ("1", 1)])
def test_unreachable_vulnerability_data_is_reported(tmp_path, required, code):
    pip_audit = fake_pip_audit(
        tmp_path, [{"name": "bleach", "skip_reason": "Dependency not found on PyPI"}]
    )
    result = run_audit(pip_audit, AUDIT_REQUIRED=required)
    assert result.returncode == code
    assert "nothing was audited" in result.stdout
