import subprocess
import sys

from devstack.testrun import Tally, parse_junit


def test_importing_the_plugin_loads_no_client_library():
    code = (
        "import sys, devstack.pytest_plugin\n"
        "heavy = [m for m in ('aiokafka', 'asyncpg', 'httpx', 'shared') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_junit_reports_are_summed(tmp_path):
    report = tmp_path / "r.xml"
    report.write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" errors="1" failures="2"'
        ' skipped="3" tests="10"></testsuite></testsuites>'
    )
    tally = parse_junit(report)
    assert tally == Tally(passed=4, failed=3, skipped=3)
    assert (tally + Tally(1, 0, 0)).line() == "devstack: 5 passed, 3 failed, 3 skipped"
