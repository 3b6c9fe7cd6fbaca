"""The bad inputs of DOMAIN §11.6: each is sent at its moment and must be refused unchanged.

Two rows move in time: no hazard is still unassigned on 2024-11-30 in the data set, so #1 and
#2 are tried on hazard #7 in the hour between its report and its assignment (2024-11-27), with
that day as "today" and the day before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from demo import ids
from demo.calendar import at
from demo.identities import check_char, id_card
from demo.population import A0, CLOSED_SITE, DYING, FULL_SITE, C, Elder
from demo.scenario import charity, eldercare, inspection
from demo.scenario.eldercare import register_elder_body
from demo.script import Expect, Script, stamp


def add(script: Script) -> None:
    """Every §11.6 row, at its moment."""
    plan = {insp.code: insp for insp in inspection.plan_2024()}
    hazards = {h.label: h for insp in plan.values() for h in insp.hazards if h.label}
    _inspection_rows(script, plan, hazards)
    _eldercare_rows(script)
    _charity_rows(script)
    _idempotency_rows(script)


def _bad(  # noqa: PLR0913 - one keyword per part of a row
    script: Script,
    when: datetime,
    row: str,
    service: str,
    path: str,
    actor: str,
    body: dict[str, Any],
    status: int,
    code: str | None,
    what: str,
    method: str = "POST",
    suffix: str = "",
) -> None:
    script.add(
        when,
        service,
        method,
        path,
        actor,
        f"fixture:{row}{suffix}",
        body,
        Expect(status, code, row, what),
    )


def _inspection_rows(
    script: Script, plan: dict[str, inspection.Inspection], hz: dict[str, inspection.Hazard]
) -> None:
    h7, h3, h2, h4, h5 = hz["#7"], hz["#3"], hz["#2"], hz["#4"], hz["#5"]
    svc = "inspection"
    today = h7.found
    window = at(today, 11, 10)
    assign7 = f"/hazards/{h7.id}/assign"
    _bad(
        script,
        window,
        "#1",
        svc,
        assign7,
        "safety_lead",
        inspection.assign_body(h7, today),
        422,
        "deadline_in_past",
        "整改期限为当天",
    )
    _bad(
        script,
        window + timedelta(seconds=1),
        "#2",
        svc,
        assign7,
        "safety_lead",
        inspection.assign_body(h7, today - timedelta(days=1)),
        422,
        "deadline_in_past",
        "整改期限早于当天",
    )
    _bad(
        script,
        window + timedelta(seconds=2),
        "#3",
        svc,
        assign7,
        "safety_lead",
        inspection.assign_body(h7, today + timedelta(days=45)),
        422,
        "deadline_too_far",
        "一般隐患期限超过30天",
    )
    major = inspection.assign_body(h3, h3.found + timedelta(days=44))
    del major["contingency_plan"]
    _bad(
        script,
        at(h3.found, 16, 45),
        "#4",
        svc,
        f"/hazards/{h3.id}/assign",
        "inspector_2",
        major,
        422,
        "wuding_incomplete",
        "重大隐患缺少应急预案",
    )
    end = date(2024, 11, 30)
    _bad(
        script,
        at(end, 10),
        "#5",
        svc,
        f"/hazards/{h5.id}/verify",
        "safety_lead",
        {"result": "PASS", "verifier_id": ids.site_safety_officer(h5.inspection.site)},
        422,
        "segregation_of_duties",
        "整改责任人自行验收",
    )
    _bad(
        script,
        at(end, 10, 1),
        "#6",
        svc,
        f"/hazards/{h4.id}/verify",
        "safety_lead",
        {"result": "PASS", "verifier_id": ids.S1},
        409,
        "invalid_state",
        "验收仍在整改中的隐患",
    )
    _bad(
        script,
        at(end, 10, 2),
        "#7",
        svc,
        f"/hazards/{h4.id}/submit",
        "institution_staff",
        {"evidence_ids": []},
        422,
        "evidence_required",
        "提交整改无佐证材料",
    )
    _bad(
        script,
        at(end, 10, 3),
        "#8",
        svc,
        f"/hazards/{h2.id}/extend",
        "inspector",
        {"new_deadline_on": "2024-12-06", "reason": "延期申请"},
        403,
        "needs_safety_lead",
        "非安全负责人为逾期隐患延期",
    )
    _bad(
        script,
        at(date(2024, 5, 6), 10),
        "#9",
        svc,
        "/inspections",
        "inspector",
        {
            "site_id": ids.site(CLOSED_SITE),
            "type": "SPECIAL",
            "campaign_id": inspection.campaign("C3"),
            "lead_person_id": ids.STAFF[0],
            "planned_on": "2024-05-08",
        },
        409,
        "site_inactive",
        "检查已关闭的机构",
    )
    w23 = plan["W23"]
    _bad(
        script,
        at(date(2024, 6, 1), 10),
        "#10",
        svc,
        f"/inspections/{w23.id}/complete",
        "safety_lead",
        {"completed_at": stamp(at(date(2024, 6, 2), 10))},
        422,
        "in_future",
        "完成时间在未来",
    )
    _bad(
        script,
        at(date(2024, 5, 6), 10, 1),
        "#11",
        svc,
        "/inspections",
        "inspector",
        {
            "site_id": ids.site(3),
            "type": "SPECIAL",
            "campaign_id": inspection.campaign("C1"),
            "lead_person_id": ids.STAFF[0],
            "planned_on": "2024-05-10",
        },
        422,
        "campaign_not_running",
        "检查归入已结束的行动",
    )
    _bad(
        script,
        at(date(2024, 5, 6), 10, 2),
        "#12",
        svc,
        "/inspections",
        "safety_lead",
        {
            "site_id": ids.site(3),
            "type": "ROUTINE_WEEKLY",
            "campaign_id": inspection.campaign("C2"),
            "lead_person_id": ids.L2,
            "planned_on": "2024-05-15",
        },
        422,
        "wrong_inspector",
        "周检查由非安全负责人带队",
    )
    _bad(
        script,
        at(date(2024, 11, 15), 9, 30),
        "#13",
        svc,
        f"/drills/{inspection.drill('DR-2024-Q4-001')}/record",
        "institution_staff",
        {"held_at": stamp(at(date(2024, 11, 15), 9)), "participants": 0},
        422,
        None,
        "演练参与人数为0",
    )
    _bad(
        script,
        at(date(2024, 11, 16), 9),
        "#14",
        svc,
        f"/work-notices/{inspection.notice(date(2024, 11, 15))}/acks",
        "institution_staff",
        {"site_id": ids.site(CLOSED_SITE)},
        422,
        "not_a_target",
        "非目标机构签收工作提示",
    )
    w20 = plan["W20"]
    for i, text in enumerate(("住户身份证号430902195001011234需核实", "联系人电话13912345678")):
        _bad(
            script,
            at(w20.day, 9, 45, i),
            "#38",
            svc,
            f"/inspections/{w20.id}/hazards",
            "safety_lead",
            {
                "category": "FIRE",
                "level": "GENERAL",
                "description": text,
                "found_at": stamp(at(w20.day, 9, 40)),
            },
            422,
            "pii_in_free_text",
            "隐患描述含身份证号或手机号",
            suffix=f"-{i + 1}",
        )


def _eldercare_rows(script: Script) -> None:
    svc = "eldercare"
    when = at(date(2024, 7, 1), 9, 30)
    good = Elder(4281)
    wrong = good.id_card[:17] + ("0" if check_char(good.id_card[:17]) != "0" else "1")
    rows: list[tuple[str, dict[str, Any], int, str, str]] = [
        (
            "#15",
            {**register_elder_body(good, ["HOME"], None), "id_card_no": wrong},
            422,
            "invalid_id_card",
            "身份证校验位错误",
        ),
        (
            "#16",
            {**register_elder_body(good, ["HOME"], None), "id_card_no": Elder(1).id_card},
            409,
            "duplicate_elder",
            "重复登记老人",
        ),
        (
            "#17",
            {
                **register_elder_body(good, ["HOME"], None),
                "id_card_no": id_card("430902", date(1965, 7, 2), 17),
            },
            422,
            "not_elderly",
            "未满60周岁",
        ),
        (
            "#18",
            {**register_elder_body(good, ["HOME"], None), "phone": "1234567"},
            422,
            "invalid_phone",
            "手机号格式错误",
        ),
    ]
    for i, (row, body, status, code, what) in enumerate(rows):
        _bad(
            script,
            when + timedelta(seconds=i),
            row,
            svc,
            "/elders",
            "caseworker",
            body,
            status,
            code,
            what,
        )
    meal_user = Elder(C[100])

    def meal(
        point: str, day: date, hour: int, minute: int, elder: Elder, tag: str
    ) -> dict[str, Any]:
        return {
            "id": ids.uid("meal", f"fixture:{tag}"),
            "elder_id": elder.id,
            "served_at": stamp(at(day, hour, minute)),
            "verification_method": "FACE",
            "price_minor": 1200,
            "subsidy_minor": 500,
            "paid_minor": 700,
        }

    def points(code: str) -> str:
        return f"/meal-points/{ids.uid('meal_point', code)}/meals"

    _bad(
        script,
        at(date(2024, 11, 25), 11, 30, 1),
        "#19",
        svc,
        points(eldercare.SUSPENDED_POINT),
        "institution_staff",
        meal(eldercare.SUSPENDED_POINT, date(2024, 11, 25), 11, 30, meal_user, "19"),
        409,
        "meal_point_closed",
        "暂停的助餐点",
    )
    _bad(
        script,
        at(date(2024, 7, 2), 11, 30, 1),
        "#20",
        svc,
        points(eldercare.CLOSED_POINT),
        "institution_staff",
        meal(eldercare.CLOSED_POINT, date(2024, 7, 2), 11, 30, meal_user, "20"),
        409,
        "meal_point_closed",
        "已关闭的助餐点",
    )
    _bad(
        script,
        at(date(2024, 7, 3), 21, 0, 1),
        "#21",
        svc,
        points("MP-2023-02"),
        "institution_staff",
        meal("MP-2023-02", date(2024, 7, 3), 21, 0, meal_user, "21"),
        422,
        "outside_service_hours",
        "服务时段外就餐",
    )
    first_code, first_day, first_elder = eldercare.meal_plan()[0]
    other = "MP-2023-03" if first_code != "MP-2023-03" else "MP-2023-04"
    _bad(
        script,
        at(first_day, 12, 30),
        "#22",
        svc,
        points(other),
        "institution_staff",
        meal(other, first_day, 12, 0, Elder(first_elder), "22"),
        409,
        "duplicate_meal",
        "同一老人同日第二份午餐",
    )
    _bad(
        script,
        at(date(2024, 4, 1), 11, 30, 1),
        "#23",
        svc,
        points("MP-2023-02"),
        "institution_staff",
        meal("MP-2023-02", date(2024, 4, 1), 11, 30, Elder(DYING[0]), "23"),
        409,
        "elder_not_active",
        "已故老人就餐",
    )
    a0 = Elder(A0[0])
    _bad(
        script,
        at(date(2024, 3, 1), 10, 0, 1),
        "#24",
        svc,
        "/home-modifications",
        "caseworker",
        {"household_id": a0.household, "elder_id": a0.id},
        409,
        "duplicate_household",
        "2023年已改造的家庭再次申请",
    )
    steps = eldercare.a_steps()
    target = next(
        n for n in sorted(steps, key=lambda n: (eldercare.applied_on(n), n)) if steps[n] == "SPCA"
    )
    applied = eldercare.applied_on(target)
    hm = ids.uid("home_modification", Elder(target).code)
    _bad(
        script,
        at(applied + timedelta(days=1), 10, 0, 1),
        "#25",
        svc,
        f"/home-modifications/{hm}/assess",
        "caseworker",
        {
            "plan": [{"item_code": "LIFT", "category": "BASIC", "cost_minor": 350_000}],
            "subsidy_minor": 350_000,
            "self_paid_minor": 0,
        },
        422,
        "subsidy_over_cap",
        "补贴超过上限",
    )
    approved_only = next(n for n in sorted(steps) if steps[n] == "SP")
    hm2 = ids.uid("home_modification", Elder(approved_only).code)
    _bad(
        script,
        at(date(2024, 11, 30), 11),
        "#26",
        svc,
        f"/home-modifications/{hm2}/accept",
        "caseworker",
        {"inspector_id": eldercare.HM_INSPECTOR},
        409,
        "invalid_state",
        "验收未完工的改造",
    )
    _bad(
        script,
        at(date(2024, 7, 1), 10, 0, 1),
        "#27",
        svc,
        f"/elders/{Elder(C[10]).id}/admit",
        "caseworker",
        {"institution_id": ids.site(FULL_SITE), "admitted_at": stamp(at(date(2024, 7, 1), 10))},
        409,
        "no_free_bed",
        "入住已满员的机构",
    )
    _bad(
        script,
        at(date(2024, 11, 1), 14, 0, 1),
        "#28",
        svc,
        "/wristbands",
        "caseworker",
        {"code": "HSH-DUP-1", "elder_id": Elder(C[3]).id, "brand_project_id": eldercare.P2},
        409,
        "already_has_wristband",
        "重复发放黄手环",
    )


def _charity_rows(script: Script) -> None:
    svc = "charity"
    a6 = f"/allocations/{charity.allocation('A6')}/disbursements"
    spare = charity.HOUSEHOLDS[1726]
    end = date(2024, 11, 30)

    def disb(
        code: str, amount: Any, round_code: str = "2024-敬老慰问", kind: str = "CASH"
    ) -> dict[str, Any]:
        return {
            "beneficiary_id": charity.beneficiary(code),
            "kind": kind,
            "amount_minor": amount,
            "round_code": round_code,
        }

    _bad(
        script,
        at(end, 18),
        "#29",
        svc,
        a6,
        "finance_officer",
        disb(spare, 7_500_000),
        409,
        "insufficient_allocation_balance",
        "超出资金安排余额",
    )
    for i, amount in enumerate((100.5, "100", 0, -100)):
        _bad(
            script,
            at(end, 18, 5, i),
            "#30",
            svc,
            a6,
            "finance_officer",
            disb(spare, amount),
            422,
            "invalid_amount",
            f"金额非法（{amount!r}）",
            suffix=f"-{i + 1}",
        )
    _bad(
        script,
        at(date(2024, 9, 7), 10),
        "#31",
        svc,
        f"/allocations/{charity.allocation('A5')}/disbursements",
        "finance_officer",
        disb(charity.students(2024)[0], 200_000, "2024-2025"),
        409,
        "duplicate_benefit",
        "同一学生同学年第二份助学金",
    )
    _bad(
        script,
        at(date(2024, 2, 1), 10),
        "#32",
        svc,
        f"/allocations/{charity.allocation('A1')}/disbursements",
        "finance_officer",
        disb(charity.students(2022)[0], 200_000, "2024-补发"),
        409,
        "allocation_not_open",
        "向已关闭的资金安排申请发放",
    )
    lottery = {
        "fund_id": charity.fund("LOT-2024"),
        "amount_minor": 10_000_000,
        "valid_until": "2025-12-31",
    }
    _bad(
        script,
        at(date(2024, 5, 6), 10),
        "#33",
        svc,
        "/allocations",
        "finance_officer",
        {
            **lottery,
            "code": "ALC-BAD-1",
            "project_id": charity.project("P9"),
            "expense_class": "OFFICIAL_RECEPTION",
        },
        422,
        "prohibited_use",
        "福彩公益金用于公务接待",
        suffix="-1",
    )
    _bad(
        script,
        at(date(2024, 5, 6), 10, 0, 1),
        "#33",
        svc,
        "/allocations",
        "finance_officer",
        {**lottery, "code": "ALC-BAD-2", "project_id": charity.project("P5")},
        422,
        "not_in_project_library",
        "福彩公益金用于项目库外项目",
        suffix="-2",
    )
    _bad(
        script,
        at(end, 18, 10),
        "#34",
        svc,
        "/allocations",
        "finance_officer",
        {
            **lottery,
            "code": "ALC-BAD-3",
            "project_id": charity.project("P9"),
            "amount_minor": 150_000_000,
        },
        409,
        "insufficient_fund_balance",
        "超出福彩公益金可用余额",
    )
    _bad(
        script,
        at(date(2024, 4, 22), 10),
        "#35",
        svc,
        f"/allocations/{charity.allocation('A7')}/approvals",
        "approver_3",
        {"stage": "SECTION_REVIEW", "decision": "APPROVE"},
        403,
        "four_eyes",
        "申请人审批自己的资金安排",
    )
    session = {
        "project_id": charity.project("P7"),
        "provider_person_id": charity.MOTHER,
        "minutes": 180,
        "child_beneficiary_ids": [charity.beneficiary(c) for c in charity.WEEKEND_CHILDREN[:5]],
    }
    for i, day in enumerate((date(2024, 4, 28), date(2024, 4, 24))):
        _bad(
            script,
            at(date(2024, 4, 29), 17, 0, i),
            "#36",
            svc,
            "/child-care-sessions",
            "caseworker",
            {**session, "held_on": day.isoformat()},
            422,
            "not_a_weekend",
            f"{day} 非周末（调休或工作日）",
            suffix=f"-{i + 1}",
        )
    _bad(
        script,
        at(date(2024, 4, 14), 18),
        "#37",
        svc,
        "/child-care-sessions",
        "caseworker",
        {
            **session,
            "held_on": "2024-04-13",
            "child_beneficiary_ids": [charity.beneficiary(charity.CHILDREN[20])],
        },
        422,
        "not_enrolled",
        "未入组儿童",
    )


def _idempotency_rows(script: Script) -> None:
    day = inspection.MEETINGS[0]
    real = {
        "id": ids.uid("safety_meeting", str(day)),
        "kind": "PARTY_GROUP",
        "held_at": stamp(at(day, 15)),
        "agenda_ref": f"YZ-{day:%Y%m%d}",
    }
    when = at(date(2024, 2, 1), 9, 0, 1)
    script.add(
        when,
        "inspection",
        "POST",
        "/safety-meetings",
        "main_leader",
        "fixture:#39-1",
        {**real, "agenda_ref": "YZ-OTHER"},
        Expect(422, "idempotency_key_reused", "#39", "同一幂等键、不同请求体"),
        idempotency_key=f"meeting:{day}",
    )
    script.add(
        when + timedelta(seconds=1),
        "inspection",
        "POST",
        "/safety-meetings",
        "main_leader",
        "fixture:#39-2",
        real,
        Expect(201, None, "#39", "同一幂等键、相同请求体：返回原结果，不产生新事件"),
        idempotency_key=f"meeting:{day}",
    )
