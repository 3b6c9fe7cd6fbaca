"""The year-to-date report on the demo year gives the figures and text of DOMAIN §10.4/§11.5."""

EXPECTED_TEXT = """今年先后召开5次局党组会议、局长办公会议进行研究。
有序推进养老机构冬春季安全隐患“百日攻坚”、消防安全集中除患攻坚、安全生产治本攻坚、民政服务机构燃气安全、民政系统灾害风险隐患“大排查、大整治”、打通消防“生命通道”、城市运行安全隐患排查整治等7项行动。
今年以来，共开展检查70余次、安全宣讲31场、事故应急演练172场，下发工作提示5次。
累计发放慰问物资、助学金等900万余元。
服务孤残儿童200余人次。
组织大型调研10余次，帮助解决群众身边实际问题100余个。
今年完成2637户特殊困难老年人家庭适老化改造，建设40个老年助餐服务点。
组建益阳市“银龄行动”志愿服务总队和7支分队。"""

VALUES = {
    "safety_meetings": (5, "5次"),
    "campaigns_active": (7, "7项"),
    "inspections": (74, "70余次"),
    "safety_talks": (31, "31场"),
    "drills": (172, "172场"),
    "work_notices": (5, "5次"),
    "child_person_times": (216, "200余人次"),
    "large_surveys": (12, "10余次"),
    "problems_solved": (108, "100余个"),
    "home_modifications": (2637, "2637户"),
    "meal_points_built": (40, "40个"),
    "volunteer_corps": (1, "总队"),
    "volunteer_branches": (7, "7支"),
}


async def _report(svc, **params):
    r = await svc.client.get("/reports/ytd", params=params, headers=svc.auth("views_reader"))
    assert r.status_code == 200, r.text
    return r.json()


async def test_ytd_report_on_the_demo_year_gives_the_expected_values_and_displays(svc):
    doc = await _report(svc, year=2024, as_of="2024-11-30")
    metrics = {m["key"]: m for s in doc["sections"] for m in s["metrics"]}
    for key, (value, shown) in VALUES.items():
        assert (metrics[key]["value"], metrics[key]["display"]) == (value, shown), key
    money = metrics["charity_disbursed"]
    assert (money["value_minor"], money["display"], money["scope"]) == (
        912_600_000,
        "900万余元",
        "cumulative",
    )
    assert metrics["inspections"]["scope"] == "ytd"
    assert metrics["campaigns_active"]["scope"] == "year"
    assert [s["title"] for s in doc["sections"]] == ["夯实发展根基", "激发内生动力", "打造特色品牌"]


async def test_ytd_report_renders_the_golden_chinese_text(svc):
    doc = await _report(svc, year=2024, as_of="2024-11-30")
    assert doc["text"] == EXPECTED_TEXT
    plain = await svc.client.get(
        "/reports/ytd",
        params={"year": 2024, "as_of": "2024-11-30", "format": "text"},
        headers=svc.auth("views_reader"),
    )
    assert plain.text == EXPECTED_TEXT + "\n"


async def test_ytd_report_extras_match_the_demo(svc):
    extras = (await _report(svc, year=2024, as_of="2024-11-30"))["extras"]
    assert {k: v for k, v in extras.items() if k != "elders_by_pillar"} == {
        "hazards_found_ytd": 96,
        "hazards_open": 7,
        "hazards_overdue": 2,
        "meals_served_ytd": 10400,
        "wristbands_active": 294,
        "volunteer_services_ytd": 1050,
        "volunteer_minutes_ytd": 126000,
        "charity_disbursed_ytd_minor": 362_600_000,
    }


async def test_report_needs_a_reader_role_and_a_date_inside_the_year(svc):
    assert (await svc.client.get("/reports/ytd")).status_code == 401
    denied = await svc.client.get("/reports/ytd", headers=svc.auth("institution_staff"))
    assert denied.status_code == 403
    bad = await svc.client.get(
        "/reports/ytd",
        params={"year": 2024, "as_of": "2025-01-01"},
        headers=svc.auth("views_reader"),
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "as_of_outside_year")


async def test_an_earlier_report_date_counts_only_up_to_that_day(svc):
    doc = await _report(svc, year=2024, as_of="2024-01-01")
    metrics = {m["key"]: m for s in doc["sections"] for m in s["metrics"]}
    # Only the 07:30 talk of New Year's Day (a UTC date of 2023-12-31) is in the window.
    assert metrics["safety_talks"]["value"] == 1
    assert metrics["inspections"]["value"] == 0
