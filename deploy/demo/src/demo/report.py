"""What ``make demo`` prints at the end: the report in Chinese, refusals, and where to look."""

from __future__ import annotations

from collections.abc import Callable

from demo.endpoints import Endpoints
from demo.runner import Loader, Outcome

REPORT = "/reports/ytd?year=2024&as_of=2024-11-30"


async def print_report(loader: Loader, say: Callable[[str], None]) -> str:
    """Fetch the year-to-date report from views and print its paragraphs; returns the text."""
    answer = await loader.request("views", "GET", REPORT + "&format=text", "views_reader")
    if answer.status_code != 200:
        say(f"无法获取年度报告：{answer.status_code} {answer.text[:200]}")
        return ""
    say("")
    say("══ 益阳市民政局 2024 年工作情况（截至 2024-11-30，由事件投影生成）══")
    for line in answer.text.strip().splitlines():
        say(f"  {line}")
    return answer.text


def print_refusals(outcome: Outcome, say: Callable[[str], None]) -> None:
    """One line per §11.6 row tried."""
    ok = sum(1 for r in outcome.refusals if r.ok)
    say("")
    say(
        f"══ 错误输入检查（DOMAIN §11.6）：{ok}/{len(outcome.refusals)} 项按预期被拒绝，"
        "主题偏移量未变 ══"
    )
    for r in outcome.refusals:
        mark = ("✓" if r.strict else "○") if r.ok else "✗"
        moved = f"；主题有新消息 {r.offsets_moved}" if r.offsets_moved else ""
        say(f"  {mark} {r.row:<5} {r.what}：预期 {r.expected}，实际 {r.got}{moved}")
    if any(r.ok and not r.strict for r in outcome.refusals):
        say("  ○ = 重复加载：数据已是年末状态，该项依赖的中间状态已过去，仍被拒绝且未产生事件")


def print_links(ep: Endpoints, say: Callable[[str], None]) -> None:
    """Where the dashboard, the API docs and the dev sinks' messages are."""
    say("")
    say("══ 接下来可以看 ══")
    say(
        f"  领导驾驶舱 dashboard    {ep.urls['views']}/"
        "   （令牌见 .local/tokens.json 的 views_reader）"
    )
    say(f"  年度报告 JSON           {ep.urls['views']}{REPORT}")
    for name in ("inspection", "eldercare", "charity", "notify", "views"):
        say(f"  接口文档 {name:<14} {ep.urls[name]}/docs")
    say(f"  通知接收端（开发用）    {ep.urls['sinks']}/   （演示中发出的邮件、短信、群机器人消息）")
