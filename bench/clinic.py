"""The quality clinic (质量问诊) at scale: fills a database with 100,000 cases over
2,000 enterprises of the 7 industry chains, opened over the last three years (most
resolved, with their experts, visits, findings, actions, time, messages, ratings,
benefits and audit trail), and a pool of 300 experts; then measures the case list
(/clinic/: first and a deep page, by state, by a title search) and case pages, as the
desk's administrator, a busy enterprise (about 300 cases) and a busy expert (about 400
cases), under gunicorn (2 workers) with wrk, against a bare Flask page doing one
indexed query on the same database in the same run. Target (the clinic's issue): p95
under 100 ms for every page on both databases.

    .venv/bin/python bench/clinic.py [--db sqlite|postgresql|both] [--cases 100000]
                                     [--seconds 5] [--connections 4] [--explain]
                                     [--limit-minutes 90] [--keep DIR | --reuse DIR]

The "alone" column is each page served in this process with nothing else running
(median of 9): what a page costs before the queueing that 4 connections on 2 workers
add. --explain also prints, for each page, the time of each of its SQL statements and
the slowest one's plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).

SQLite lives in a temporary instance folder (as the desk runs it: no ANALYZE);
PostgreSQL in a schema of its own (qidesk_bench_clinic) in TEST_DATABASE_URL's
database (default: the machine's postgresql://postgres@127.0.0.1:5432/test), VACUUM
ANALYZEd once filled (what autovacuum does to a live desk's tables) and dropped
afterwards. --keep DIR keeps the filled database (SQLite in DIR, the PostgreSQL schema)
and what the run needs to know of it; --reuse DIR measures it again, migrated to the
code's schema, without refilling. Traffic goes to 127.0.0.1 only; the script stops by itself, at the latest
after --limit-minutes (cleaning up on the way out).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from harness import (
    ROOT,
    alone,
    desk,
    print_plan,
    serve,
    sign_in,
    signed_in,
    statements,
    table,
    upgraded,
    warm,
    wrk,
)

sys.path.insert(0, ROOT)

PASSWORD = "bench-pass-2026"
SCHEMA = "qidesk_bench_clinic"
TARGET_MS = 100
ENTERPRISES = 2000
EXPERTS = 300            # of whom LAB_EXPERTS are staff of the county's labs
LAB_EXPERTS = 60
BUSY_SME_CASES = 300     # at 100,000 cases; the shares scale with --cases
BUSY_EXPERT_CASES = 400
YEARS = 3

# Jinjiang's chains, by their share of the enterprises (and so of the cases).
CHAINS = {"textiles_footwear": 40, "leisure_food": 15, "building_ceramics": 15,
          "smart_equipment": 10, "integrated_circuits": 6, "nuclear_medicine": 4,
          "other": 10}
# The problems enterprises bring, by chain (34 titles); "开胶" is the searched one.
TITLES = {
    "textiles_footwear": ["鞋底开胶", "帮面开胶", "面料起球", "色牢度不合格", "甲醛超标",
                          "尺寸偏差", "鞋底耐磨性能不达标", "缝线断裂", "缩水率超标",
                          "pH值超标", "纤维含量与标签不符", "面料起皱"],
    "leisure_food": ["菌落总数超标", "包装漏气胀袋", "酸价超标", "标签标识不规范",
                     "水分含量偏高"],
    "building_ceramics": ["釉面针孔", "釉面开裂", "吸水率超标", "砖面色差", "平整度超差"],
    "smart_equipment": ["电机异响", "控制板误动作", "焊缝气孔", "零件尺寸超差"],
    "integrated_circuits": ["封装分层", "静电击穿失效", "焊点虚焊"],
    "nuclear_medicine": ["包装密封性不合格", "无菌检验不合格"],
    "other": ["产品标识不规范", "外观划伤", "批次一致性差"],
}
PRODUCTS = {
    "textiles_footwear": ["运动鞋", "休闲鞋", "童鞋", "针织面料", "梭织面料", "运动服",
                          "袜子", "拖鞋"],
    "leisure_food": ["膨化食品", "糖果", "饼干", "肉脯", "果冻"],
    "building_ceramics": ["瓷质抛光砖", "釉面砖", "卫生陶瓷", "石材"],
    "smart_equipment": ["制鞋机械", "纺织机械", "智能门锁", "电动工具"],
    "integrated_circuits": ["功率器件", "存储芯片", "传感器模组"],
    "nuclear_medicine": ["医用口罩", "一次性注射器", "医用敷料"],
    "other": ["箱包", "雨伞", "卫浴五金"],
}
PROCESSES = {"textiles_footwear": ["成型", "贴底", "染整", "针织", "裁断"],
             "leisure_food": ["烘烤", "包装", "杀菌"], "building_ceramics": ["施釉", "烧成"],
             "smart_equipment": ["焊接", "装配"], "integrated_circuits": ["封装", "测试"],
             "nuclear_medicine": ["灭菌", "封口"], "other": ["组装", "表面处理"]}
ICS = {"textiles_footwear": ["59", "61"], "leisure_food": ["67"],
       "building_ceramics": ["91", "81"], "smart_equipment": ["25", "29", "97"],
       "integrated_circuits": ["31"], "nuclear_medicine": ["11"], "other": ["97", "83"]}
WORDS = {"textiles_footwear": "鞋服", "leisure_food": "食品", "building_ceramics": "陶瓷",
         "smart_equipment": "机械", "integrated_circuits": "微电子",
         "nuclear_medicine": "医疗器械", "other": "实业"}
SKILLS = ["root_cause", "process", "materials", "testing", "metrology", "standards",
          "certification", "management", "brand"]
CAUSES = ["man", "machine", "material", "method", "environment", "measurement"]
SURNAMES = "王李张刘陈杨黄吴林郑许蔡洪施苏庄丁何曾谢"
GIVEN = ["建国", "志明", "晓燕", "国栋", "丽华", "文斌", "秀英", "海峰", "雅琴", "振华",
         "美玲", "俊杰", "少华", "清泉", "碧霞"]
# About 80% resolved, 5% withdrawn or refused, the rest open (in % of the cases).
STATES = {"resolved": 80.0, "withdrawn": 3.0, "rejected": 2.0, "submitted": 3.0,
          "dispatched": 3.0, "in_progress": 5.0, "on_hold": 1.5, "proposed": 2.5}
OPEN = {"submitted", "dispatched", "in_progress", "on_hold", "proposed"}
WORKED = {"in_progress", "on_hold", "proposed", "resolved"}
DAY = timedelta(days=1)


def fill(url: str, n_cases: int) -> dict:
    """Migrate, load the demo data, then bulk-insert the clinic: enterprises and their
    users, the expert pool, the cases and everything on them."""
    # Imported here, not at the top: `--help` answers without loading the desk, and
    # the desk's modules load only where the data is made.
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, update
    from werkzeug.security import generate_password_hash

    from app import create_app
    from blueprints.audit.models import AuditEvent
    from blueprints.auth.models import User
    from blueprints.clinic.library import CaseArticle  # noqa: F401 (its table's mapper)
    from blueprints.clinic.models import (
        CaseAssignment,
        CaseAttachment,
        CaseMessage,
        CaseRating,
        ClinicCase,
        Expert,
        ExpertConflict,
        case_terms,
        recount_loads,
    )
    from blueprints.clinic.outcome import CaseBenefit
    from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction, TimeEntry
    from blueprints.enterprises.models import Enterprise
    from blueprints.enterprises.uscc import check_character
    from blueprints.labs.models import Lab
    from core.numbering import NumberSequence
    from core.timeutil import to_local
    from demo.loader import load_demo
    from extensions import db

    rng = random.Random(2026)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "PUBLIC_URL": "http://127.0.0.1",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        try:
            started = time.perf_counter()
            upgrade()
            load_demo()
            demo_seconds = time.perf_counter() - started
            t0 = time.perf_counter()
            admin = db.session.scalars(select(User).where(User.role == "admin")
                                       .order_by(User.id).limit(1)).one()
            admin_email = admin.email
            lab_ids = list(db.session.scalars(select(Lab.id).order_by(Lab.id)))

            def top(model):  # the demo data holds a few rows already: number after them
                return db.session.scalar(select(func.coalesce(func.max(model.id), 0)))
            models = {"case": ClinicCase, "assignment": CaseAssignment, "visit": CaseVisit,
                      "finding": CaseFinding, "action": CorrectiveAction, "time": TimeEntry,
                      "message": CaseMessage, "file": CaseAttachment, "rating": CaseRating,
                      "benefit": CaseBenefit, "event": AuditEvent}
            ids = {key: top(model) for key, model in models.items()}
            base_case = ids["case"]
            base_ent, base_user, base_expert = top(Enterprise) + 1, top(User) + 1, top(Expert) + 1
            pw = generate_password_hash(PASSWORD)
            now = datetime.now(UTC).replace(microsecond=0)

            def person(uid, email, name, role, **extra):
                return {"id": uid, "email": email, "name": name, "password_hash": pw,
                        "role": role, "enterprise_id": extra.get("enterprise_id"),
                        "lab_id": extra.get("lab_id"), "is_enterprise_admin":
                        extra.get("enterprise_id") is not None, "job_title": extra.get("job", ""),
                        "active": True, "session_token": f"{uid:032d}", "created_at": now,
                        "updated_at": now, "version": 1}

            # -- enterprises, each with its user; the first is the busy one ----------------
            chain_of, ents, users = [], [], []
            for k in range(ENTERPRISES):
                chain = "textiles_footwear" if k == 0 else \
                    rng.choices(list(CHAINS), list(CHAINS.values()))[0]
                chain_of.append(chain)
                body = f"91350582C{k:08d}"
                ents.append({"id": base_ent + k, "uscc": body + check_character(body),
                             "name": f"晋江压测{k:04d}{WORDS[chain]}有限公司",
                             "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
                             "address": "福建省晋江市", "industry_chain": chain,
                             "size": rng.choice(["micro", "small", "small", "medium"]),
                             "contact_phone": "0595-85000000", "status": "verified",
                             "status_reason": "", "uscc_override": False, "created_at": now,
                             "updated_at": now, "version": 1})
                users.append(person(base_user + k, f"clinic{k}@sme.example",
                                    f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", "sme",
                                    enterprise_id=base_ent + k, job="质量主管"))

            # -- the expert pool: lab staff and outside specialists; the first is busy ------
            experts, conflicts = [], []
            by_chain = {chain: [] for chain in CHAINS}   # (expert index, weight) by chain
            for k in range(EXPERTS):
                uid, eid = base_user + ENTERPRISES + k, base_expert + k
                in_lab = k >= EXPERTS - LAB_EXPERTS
                lab = rng.choice(lab_ids) if in_lab else None
                users.append(person(uid, f"expert{k}@clinic.example",
                                    f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
                                    "lab_staff" if in_lab else "expert", lab_id=lab,
                                    job="检测工程师" if in_lab else ""))
                chains = ["textiles_footwear", "other"] if k == 0 else \
                    rng.sample(list(CHAINS), rng.choice((1, 1, 2, 3)))
                employer = base_ent + rng.randrange(1, ENTERPRISES) \
                    if not in_lab and k and rng.random() < 0.1 else None
                experts.append({
                    "id": eid, "user_id": uid,
                    "title": rng.choice(["高级工程师", "工程师", "教授", "质量总监", "研究员"]),
                    "employer_lab_id": lab,
                    "employer_enterprise_id": employer,
                    "employer_name": "" if in_lab or employer else
                    rng.choice(["华侨大学", "泉州师范学院", "福建省纺织科学研究院", "退休专家"]),
                    "chains": chains,
                    "ics_fields": sorted({rng.choice(ICS[c]) for c in chains}),
                    "skills": sorted(rng.sample(SKILLS, rng.randint(2, 4))),
                    "profile": "从事质量技术工作二十余年，擅长失效分析与工艺改进。",
                    "available": rng.random() > 0.05,
                    "away_until": None, "max_open_cases": rng.choice((5, 8, 10)),
                    "created_at": now - 3 * 365 * DAY, "updated_at": now, "version": 1})
                barred = {employer} if employer else set()
                if k and rng.random() < 0.15:
                    for ent in rng.sample(range(1, ENTERPRISES), rng.randint(1, 3)):
                        barred.add(base_ent + ent)
                        conflicts.append({"expert_id": eid, "enterprise_id": base_ent + ent,
                                          "note": "竞争对手"})
                experts[-1]["barred"] = barred
                if k:  # the busy expert is dispatched on purpose below, not drawn
                    for chain in chains:
                        by_chain[chain].append((k, rng.uniform(0.3, 1.7)))
            barred = [e.pop("barred") for e in experts]
            db.session.execute(insert(Enterprise), ents)
            db.session.execute(insert(User), users)
            db.session.execute(insert(Expert), experts)
            db.session.execute(insert(ExpertConflict), conflicts)
            db.session.commit()
            draw = {chain: ([k for k, _w in pool], [w for _k, w in pool])
                    for chain, pool in by_chain.items()}

            # -- the cases' plan: state, enterprise and opening time, oldest first ----------
            span = YEARS * 365 * DAY
            busy_sme_share = BUSY_SME_CASES / 100_000
            # The busy expert takes textile cases with experts on them.
            busy_expert_share = BUSY_EXPERT_CASES / (100_000 * 0.96 * CHAINS["textiles_footwear"]
                                                     / sum(CHAINS.values()))
            plan = []
            for state in rng.choices(list(STATES), list(STATES.values()), k=n_cases):
                if state in OPEN:  # open cases are recent ones, mostly
                    age = min(timedelta(days=rng.expovariate(1 / 40)), span)
                else:
                    age = rng.uniform(0.02, 1) * span
                ent = 0 if rng.random() < busy_sme_share else rng.randrange(1, ENTERPRISES)
                plan.append((now - age - timedelta(minutes=rng.randrange(60, 600)), state, ent))
            plan.sort()
            heavy = max(i for i, (_c, s, e) in enumerate(plan) if s == "resolved" and e == 0) \
                if any(s == "resolved" and e == 0 for _c, s, e in plan) else None

            rows = {key: [] for key in models}
            counts = {key: 0 for key in models}
            # Case numbers by year, after the demo's; the busy expert's cases by state.
            per_year = dict(db.session.execute(
                select(NumberSequence.year, NumberSequence.last)
                .where(NumberSequence.series == "clinic")).all())
            known_years, mine = set(per_year), {}

            def flush():
                for key, model in models.items():
                    if rows[key]:
                        db.session.execute(insert(model), rows[key])
                        counts[key] += len(rows[key])
                        rows[key].clear()
                db.session.commit()

            def new(key):
                ids[key] += 1
                return ids[key]

            def event(case_id, at, actor, action, before=None, after=None, reason=""):
                rows["event"].append({"id": new("event"), "created_at": at, "actor_id": actor,
                                      "entity": "clinic_cases", "entity_id": case_id,
                                      "action": action, "before": before, "after": after,
                                      "reason": reason})

            def step(case_id, at, actor, action, was, to, reason=""):
                event(case_id, at, actor, action, {"state": was}, {"state": to}, reason)

            for i, (created, state, ent) in enumerate(plan):
                cid, chain = new("case"), chain_of[ent]
                sme = base_user + ent
                local = to_local(created)
                per_year[local.year] = per_year.get(local.year, 0) + 1
                title = rng.choice(TITLES[chain])
                product = rng.choice(PRODUCTS[chain])
                # The case's life: resolved ones took two to ten weeks; open ones run to now.
                if state in OPEN:
                    end = now - timedelta(minutes=rng.randrange(5, 120))
                elif state == "resolved":
                    end = min(created + timedelta(days=rng.uniform(14, 70)), now - 2 * DAY)
                else:
                    end = min(created + timedelta(days=rng.uniform(1, 10)), now - DAY)
                life = end - created

                def at(fraction, life=life, created=created):
                    return created + life * fraction
                full = i == heavy  # the busy enterprise's case page: every part at its most

                def some(*weights, full=full):
                    return len(weights) if full else rng.choices(
                        range(1, len(weights) + 1), weights)[0]
                skills = sorted(rng.sample(SKILLS, rng.choice((1, 1, 2))))
                case = {
                    "id": cid, "number": f"WZ-{local.year}-{per_year[local.year]:06d}",
                    "enterprise_id": base_ent + ent, "opened_by_id": sme, "state": state,
                    "chain": chain, "ics_field": rng.choice(ICS[chain] + [""]), "skills": skills,
                    "title": title, "product": product, "process": rng.choice(PROCESSES[chain]),
                    "symptoms": f"近期多批{product}出现{title}，客户投诉增多，怀疑与"
                                f"{rng.choice(PROCESSES[chain])}工序有关。",
                    "since": rng.choice(["一个月", "两个月", "半年", "三周"]),
                    "losses": rng.choice(["", "退货两批", "客户索赔"]),
                    "monthly_loss_cents": rng.choice([None, rng.randrange(5_000, 500_000) * 100]),
                    "result_id": None, "certificate_id": None, "resolution": "",
                    "proposed_at": None, "resolved_at": None, "paused_on": None,
                    "consent_at": None, "created_at": created, "updated_at": end,
                    "version": 1}
                case["search_terms"] = case_terms(case["number"], title, product,
                                                  case["process"])
                rows["case"].append(case)
                event(cid, created, sme, "opened", None, {"state": "submitted", "result": None,
                                                            "certificate": None})
                for _ in range(rng.choice((0, 1, 1, 2)) + full):
                    rows["file"].append({
                        "id": new("file"), "case_id": cid, "action_id": None,
                        "filename": f"{title}照片.jpg", "content_type": "image/jpeg",
                        "size": rng.randrange(80_000, 900_000), "sha256": f"{ids['file']:064x}",
                        "stored_name": f"clinic-bench-{ids['file']:012d}.jpg",
                        "uploaded_by_id": sme, "created_at": created})

                # -- dispatch: the experts and their answers --------------------------------
                team = []
                if state == "rejected":
                    step(cid, at(0.5), admin.id, "rejected", "submitted", "rejected",
                         "非产品质量问题，建议咨询市场监管窗口")
                elif state not in ("submitted", "withdrawn") or \
                        rng.random() < (0.1 if state == "submitted" else 0.6):
                    keys, weights = draw[chain]
                    if chain == "textiles_footwear" and rng.random() < busy_expert_share:
                        team.append(0)
                    while len(team) < rng.choice((1, 1, 1, 2)):
                        k = rng.choices(keys, weights)[0]
                        if k not in team and base_ent + ent not in barred[k]:
                            team.append(k)
                    dispatched = at(0.04)
                    names = "、".join(users[ENTERPRISES + k]["name"] for k in team)
                    step(cid, dispatched, admin.id, "dispatched", "submitted", "dispatched", names)
                    accepted = state in WORKED or (state == "withdrawn" and rng.random() < 0.5)
                    answer = "pending" if state == "dispatched" or not accepted else "accepted"
                    if state == "submitted":  # the one asked declined: back to the desk
                        answer = "declined"
                    for n, k in enumerate(team):
                        rows["assignment"].append({
                            "id": new("assignment"), "case_id": cid, "expert_id": base_expert + k,
                            "state": answer, "lead": n == 0 and answer != "declined",
                            "dispatched_by_id": admin.id, "dispatched_at": dispatched,
                            "answer_by": dispatched + 2 * DAY,
                            "answered_at": None if answer == "pending" else at(0.08),
                            "reason": "时间冲突" if answer == "declined" else ""})
                        if answer != "pending":
                            step(cid, at(0.08), base_user + ENTERPRISES + k, answer
                                 if answer == "declined" else "accepted", "dispatched",
                                 "submitted" if answer == "declined" else "in_progress",
                                 "时间冲突" if answer == "declined" else "")
                        if k == 0 and answer != "declined":
                            mine.setdefault(state, []).append(cid)
                    if answer == "declined":
                        team = []
                    elif rng.random() < 0.05:  # another was asked first and declined
                        k = rng.choices(keys, weights)[0]
                        if k not in team and base_ent + ent not in barred[k]:
                            rows["assignment"].append({
                                "id": new("assignment"), "case_id": cid,
                                "expert_id": base_expert + k, "state": "declined", "lead": False,
                                "dispatched_by_id": admin.id, "dispatched_at": dispatched,
                                "answer_by": dispatched + 2 * DAY, "answered_at": at(0.06),
                                "reason": "专业不对口"})
                            event(cid, at(0.06), base_user + ENTERPRISES + k, "declined",
                                  {"state": "dispatched"}, {"state": "dispatched"}, "专业不对口")
                if state == "withdrawn":
                    was = "submitted" if not team else "in_progress" if accepted else "dispatched"
                    step(cid, end, sme, "withdrawn", was, "withdrawn", "问题已自行解决")

                # -- the experts' work --------------------------------------------------------
                if state in WORKED and team:
                    lead = base_user + ENTERPRISES + team[0]
                    done = state in ("proposed", "resolved")
                    n_visits = some(6, 3, 1) if done else rng.choice((0, 1, 1, 2))
                    for v in range(n_visits):
                        starts = at(0.15 + 0.15 * v).replace(minute=0, second=0)
                        rows["visit"].append({
                            "id": new("visit"), "case_id": cid,
                            "mode": rng.choice(("onsite", "onsite", "remote")),
                            "starts_at": starts, "ends_at": starts + timedelta(hours=3),
                            "place": "企业生产车间", "agenda": "现场查看工序，抽取样品",
                            "state": "booked",
                            "expert_ids": ",".join(str(base_expert + k) for k in sorted(team)),
                            "booked_by_id": lead, "created_at": at(0.1), "cancel_reason": "",
                            "version": 1})
                        event(cid, at(0.1), lead, "visit_booked", None,
                              {"visit": ids["visit"], "mode": "onsite",
                               "starts_at": to_local(starts).isoformat(timespec="minutes")})
                    findings = []
                    for _ in range(some(6, 3, 1) if done else rng.choice((0, 1, 2))):
                        findings.append(new("finding"))
                        cause = rng.choice(CAUSES)
                        text = f"{rng.choice(PROCESSES[chain])}工序参数不稳定，导致{title}"
                        rows["finding"].append({"id": ids["finding"], "case_id": cid,
                                                "cause": cause, "description": text,
                                                "recorded_by_id": lead, "created_at": at(0.5)})
                        event(cid, at(0.5), lead, "finding_recorded", None,
                              {"finding": ids["finding"], "cause": cause}, text)
                    for _ in range(some(4, 3, 2, 1) if done else rng.choice((0, 1, 2))):
                        aid = new("action")
                        closed = done or rng.random() < 0.3
                        owner = rng.choice(("enterprise", "expert"))
                        text = "调整工艺参数并做首件确认，连续三批抽检"
                        rows["action"].append({
                            "id": aid, "case_id": cid,
                            "finding_id": rng.choice(findings) if findings else None,
                            "description": text, "owner_side": owner,
                            "owner": "生产部经理" if owner == "enterprise" else "专家",
                            "due_on": at(0.8).date(), "state": "done" if closed else "open",
                            "evidence": "三批抽检合格，记录已上传" if closed else "",
                            "done_at": at(0.85) if closed else None,
                            "done_by_id": sme if closed else None, "created_by_id": lead,
                            "created_at": at(0.6), "version": 2 if closed else 1})
                        event(cid, at(0.6), lead, "action_planned", None,
                              {"action": aid, "owner": "生产部经理",
                               "due_on": at(0.8).date().isoformat()}, text)
                        if closed:
                            event(cid, at(0.85), sme, "action_done", None, {"action": aid},
                                  "三批抽检合格，记录已上传")
                    for _ in range(some(4, 3, 2, 1) if done else rng.choice((0, 1, 2))):
                        k = rng.choice(team)
                        day = at(rng.uniform(0.15, 0.9)).date()
                        activity = rng.choice(("visit", "remote", "analysis", "report", "travel"))
                        minutes = rng.choice((60, 90, 120, 180, 240))
                        rows["time"].append({"id": new("time"), "case_id": cid,
                                             "expert_id": base_expert + k, "activity": activity,
                                             "day": day, "minutes": minutes, "note": "",
                                             "created_at": at(0.9)})
                        event(cid, at(0.9), base_user + ENTERPRISES + k, "time_logged", None,
                              {"entry": ids["time"], "activity": activity, "minutes": minutes,
                               "day": day.isoformat()})
                    asked = state == "on_hold" or rng.random() < (1.0 if full else 0.3)
                    if asked:
                        question_at = at(0.3) if state != "on_hold" else at(0.9)
                        step(cid, question_at, lead, "info_requested", "in_progress", "on_hold",
                             "请提供近三个月的原料批次记录")
                        rows["message"].append({"id": new("message"), "case_id": cid,
                                                "author_id": lead, "kind": "question",
                                                "body": "请提供近三个月的原料批次记录",
                                                "created_at": question_at})
                        if state == "on_hold":
                            case["paused_on"] = to_local(question_at).date()
                        else:
                            step(cid, at(0.35), sme, "answered", "on_hold", "in_progress",
                                 "已上传批次记录")
                            rows["message"].append({"id": new("message"), "case_id": cid,
                                                    "author_id": sme, "kind": "answer",
                                                    "body": "已上传批次记录",
                                                    "created_at": at(0.35)})
                    for _ in range(rng.choice((0, 0, 1)) + full):
                        rows["message"].append({"id": new("message"), "case_id": cid,
                                                "author_id": lead, "kind": "note",
                                                "body": "整改期间请保留每批次首件样品。",
                                                "created_at": at(0.7)})
                    if done:
                        resolution = f"原因：{rng.choice(PROCESSES[chain])}工序控制不当；" \
                                     f"已调整参数，连续抽检合格。"
                        case.update(resolution=resolution, proposed_at=at(0.92))
                        step(cid, at(0.92), lead, "resolution_proposed", "in_progress",
                             "proposed", resolution)
                if state == "resolved":
                    case["resolved_at"] = end
                    step(cid, end, sme, "resolved", "proposed", "resolved")
                    if rng.random() < 0.25:
                        case["consent_at"] = end + DAY
                        event(cid, end + DAY, sme, "publication_consented")
                    if full or rng.random() < 0.7:
                        level = rng.choices((5, 4, 3, 2, 1), (50, 30, 12, 5, 3))[0]
                        rated = min(end + timedelta(days=rng.uniform(0, 5)), now)
                        bad = level <= 2
                        rows["rating"].append({
                            "id": new("rating"), "case_id": cid, "level": level,
                            "comment": "专家很专业" if level >= 4 else "响应偏慢",
                            "rated_by_id": sme, "created_at": rated,
                            "follow_up_due": (rated + 21 * DAY).date() if bad else None,
                            "follow_up_note": "已回访，企业认可整改" if bad else "",
                            "followed_up_at": rated + 10 * DAY if bad else None})
                        event(cid, rated, sme, "rated", None, {"level": level},
                              rows["rating"][-1]["comment"])
                    asked_at = end + 90 * DAY
                    if (full or rng.random() < 0.4) and asked_at < now:
                        reported = rng.random() < 0.7 or full
                        verified = reported and rng.random() < 0.5
                        rows["benefit"].append({
                            "id": new("benefit"), "case_id": cid, "asked_at": asked_at,
                            "reported_at": asked_at + 5 * DAY if reported else None,
                            "reported_by_id": sme if reported else None,
                            "defect_rate_before": Decimal("4.500") if reported else None,
                            "defect_rate_after": Decimal("0.800") if reported else None,
                            "cost_saved_cents": rng.randrange(10_000, 2_000_000) * 100
                            if reported else None,
                            "note": "返工率明显下降" if reported else "",
                            "verified_at": asked_at + 20 * DAY if verified else None,
                            "verified_by_id": lead if verified else None,
                            "verification": "复检报告确认" if verified else "",
                            "verifying_request_id": None, "version": 1 + reported + verified})
                        event(cid, asked_at, None, "benefit_asked")
                        if reported:
                            event(cid, asked_at + 5 * DAY, sme, "benefit_reported", None,
                                  {"defect_rate_before": "4.500", "defect_rate_after": "0.800"},
                                  "返工率明显下降")
                        if verified:
                            event(cid, asked_at + 20 * DAY, lead, "benefit_verified", None,
                                  {"request": None}, "复检报告确认")
                if (i + 1) % 2000 == 0:
                    flush()
            flush()
            # New cases go on numbering after the bench's.
            for year, last in per_year.items():
                if year in known_years:
                    db.session.execute(update(NumberSequence).where(
                        NumberSequence.series == "clinic", NumberSequence.year == year)
                        .values(last=last))
                else:
                    db.session.execute(insert(NumberSequence).values(series="clinic", year=year,
                                                                     last=last))
            # Each expert's open cases, as the desk keeps them when cases move.
            recount_loads(db.session.scalars(select(Expert.id)))
            db.session.commit()
            inserted = time.perf_counter() - t0
            t1 = time.perf_counter()
            if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
                for table_name in ("enterprises", "users", "experts", "expert_conflicts",
                                   *(model.__tablename__ for model in models.values())):
                    db.session.execute(db.text(
                        f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table_name}))"))
                db.session.commit()
                with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("VACUUM ANALYZE")
            analysed = time.perf_counter() - t1

            sme_case = None if heavy is None else base_case + heavy + 1
            expert_case = next((mine[s][-1] for s in ("in_progress", "on_hold", "proposed",
                                                       "resolved") if mine.get(s)), None)
            busy_expert_cases = sum(len(v) for v in mine.values())
            busy_sme_cases = sum(1 for _c, _s, e in plan if e == 0)
            mid = db.session.scalar(select(ClinicCase.id).order_by(ClinicCase.id)
                                    .offset(n_cases // 2).limit(1))
            # The newest case waiting for dispatch: its page proposes the whole pool.
            waiting_case = db.session.scalar(select(ClinicCase.id).where(
                ClinicCase.state == "submitted").order_by(ClinicCase.id.desc()).limit(1))
        finally:  # also when stopped half-way: no session left holding locks
            db.session.remove()
            db.engine.dispose()
    counts["enterprises"], counts["experts"], counts["conflicts"] = \
        len(ents), len(experts), len(conflicts)
    by_state = ", ".join(f"{state} {len(ids)}" for state, ids in mine.items())
    return {"demo_seconds": demo_seconds, "seconds": inserted, "analyse_seconds": analysed,
            "counts": counts, "admin": admin_email, "sme": users[0]["email"],
            "expert": users[ENTERPRISES]["email"], "sme_case": sme_case,
            "expert_case": expert_case, "waiting_case": waiting_case, "floor_id": mid,
            "busy": f"{counts['event'] / max(n_cases, 1):.1f} audit events a case; busy "
                    f"enterprise {busy_sme_cases} cases, busy expert {busy_expert_cases} "
                    f"({by_state})"}


def pages(info: dict) -> list[tuple[str, str, str]]:
    """(name, path, who) of each measured page."""
    q = urllib.parse.quote("开胶")
    return [
        ("list, admin, page 1", "/clinic/", "admin"),
        ("list, admin, page 500", "/clinic/?page=500", "admin"),
        ("list, admin, state=in_progress", "/clinic/?state=in_progress", "admin"),
        ("list, admin, q=开胶", f"/clinic/?q={q}", "admin"),
        ("list, busy enterprise (SME)", "/clinic/", "sme"),
        ("list, busy expert", "/clinic/", "expert"),
        ("case page, admin (SME's resolved case)", f"/clinic/{info['sme_case']}", "admin"),
        ("case page, admin (a case at work)", f"/clinic/{info['expert_case']}", "admin"),
        ("case page, admin (to dispatch: proposals)", f"/clinic/{info['waiting_case']}",
         "admin"),
        ("case page, SME (its resolved case)", f"/clinic/{info['sme_case']}", "sme"),
        ("case page, expert (their case at work)", f"/clinic/{info['expert_case']}",
         "expert"),
    ]


def accounts(info: dict) -> dict[str, tuple[str, str]]:
    from demo.loader import DEMO_PASSWORD
    return {"admin": (info["admin"], DEMO_PASSWORD), "sme": (info["sme"], PASSWORD),
            "expert": (info["expert"], PASSWORD)}


def in_process(url: str, info: dict, explain: bool = False) -> dict[str, float]:
    """Each page served in this process with nothing else running (harness.alone); with
    `explain`, also prints the time of each of its SQL statements and the slowest one
    with its plan."""
    from extensions import db
    app = desk(url)
    with app.app_context():
        engine = db.engine
    clients = signed_in(app, accounts(info))
    medians = {}
    for name, path, who in pages(info):
        medians[name] = alone(clients[who], path)
        if explain:
            print_plan(engine, f"{name} ({who}, {path})", medians[name],
                       statements(engine, clients[who], path))
    engine.dispose()
    return medians


def report(rows: list[tuple[str, dict]], floor: dict, by_itself: dict[str, float]) -> str:
    """harness.table's columns, and the page served alone."""
    lines = table(rows, floor).split("\n")
    lines[0] += f" {'alone ms':>8}"
    for k, (name, _r) in enumerate(rows, start=1):
        if name in by_itself:
            lines[k] += f" {by_itself[name]:8.1f}"
    return "\n".join(lines)


def run(kind: str, args) -> list[str]:
    kept = args.keep or args.reuse
    if kept:
        os.makedirs(kept, exist_ok=True)
    instance = os.path.abspath(kept) if kept else tempfile.mkdtemp(prefix="qidesk-bench-clinic-")
    facts = os.path.join(instance, f"facts-{kind}.json")
    # The demo's uploads (licence pictures) go to the temporary instance folder too.
    os.environ["QIDESK_INSTANCE_PATH"] = instance
    pg_base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    pg_base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", pg_base)
    procs = []
    try:
        if kind == "sqlite":
            url = "sqlite:///" + os.path.join(instance, "bench.db")
        elif args.reuse:
            url = pg_base + ("&" if "?" in pg_base else "?") + \
                f"options=-csearch_path%3D{SCHEMA}"
        else:
            from sqlalchemy import create_engine, text
            admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            admin.dispose()
            url = pg_base + ("&" if "?" in pg_base else "?") + \
                f"options=-csearch_path%3D{SCHEMA}"
        if args.reuse:
            with open(facts) as f:
                info = json.load(f)
            upgraded(url)
        else:
            print(f"[{kind}] filling {args.cases:,} cases ...", flush=True)
            info = fill(url, args.cases)
            if kept:
                with open(facts, "w") as f:
                    json.dump(info, f)
        filled = (f"[{kind}] migrate + demo {info['demo_seconds']:.0f} s; inserted in "
                  f"{info['seconds']:.0f} s"
                  + (f"; VACUUM ANALYZE {info['analyse_seconds']:.0f} s"
                     if kind == "postgresql" else "")
                  + f": {info['counts']}; {info['busy']}")
        print(filled, flush=True)
        env = {**os.environ, "QIDESK_INSTANCE_PATH": instance, "DATABASE_URL": url,
               "QIDESK_PUBLIC_URL": "http://127.0.0.1",
               "FLOOR_DATABASE_URL": url,
               "FLOOR_QUERY": f"SELECT number FROM clinic_cases WHERE id = {info['floor_id']}"}
        floor_proc, floor_base = serve("floor_app:create_app()", env, os.path.dirname(__file__))
        desk_proc, desk_base = serve("app:create_app()", env, ROOT)
        procs = [floor_proc, desk_proc]
        cookies = {who: sign_in(desk_base, login, password)
                   for who, (login, password) in accounts(info).items()}
        for _name, path, who in pages(info):
            warm(desk_base, path, cookies[who])
        warm(floor_base, "/item", "")
        load_before = os.getloadavg()[0]
        floor = wrk(floor_base + "/item", args.seconds, args.connections)
        rows = [("floor: bare page, 1 indexed query", floor)]
        for name, path, who in pages(info):
            rows.append((name, wrk(desk_base + path, args.seconds, args.connections,
                                   cookies[who])))
        rows.append(("floor again, after the pages", wrk(floor_base + "/item", args.seconds,
                                                         args.connections)))
        load_after = os.getloadavg()[0]
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        procs = []
        by_itself = in_process(url, info, args.explain)
        out = [f"\n{kind}, {args.cases:,} cases, gunicorn 2 workers, wrk 2 threads x "
               f"{args.connections} connections x {args.seconds} s per page (alone: the "
               f"page served in one process with nothing else running, median of 9); "
               f"machine load average {load_before:.1f} before wrk, {load_after:.1f} after "
               f"({os.cpu_count()} cores):",
               filled, report(rows, floor, by_itself), f"verdict (p95 < {TARGET_MS} ms):"]
        for name, r in rows[1:-1]:
            ok = "PASS" if r["p95"] < TARGET_MS else "FAIL"
            out.append(f"  {ok}  {name:44} p95 {r['p95']:7.1f} ms")
        print("\n".join(out), flush=True)
        return out
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        if not kept:
            shutil.rmtree(instance, ignore_errors=True)
        if kind == "postgresql" and not kept:
            from sqlalchemy import create_engine, text
            admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            admin.dispose()


def _out_of_time(signum, frame):
    raise SystemExit("bench/clinic.py: out of time (--limit-minutes); cleaning up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--explain", action="store_true",
                        help="print each page's SQL times and the slowest one's plan")
    parser.add_argument("--limit-minutes", type=int, default=90,
                        help="stop (and clean up) after this long")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", metavar="DIR", help="keep the filled database for --reuse")
    kept.add_argument("--reuse", metavar="DIR", help="measure a database kept by --keep")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(args.limit_minutes * 60)
    said = []
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        said += run(kind, args)
    if args.db == "both":  # both tables together at the end
        print("\n" + "\n".join(said))


if __name__ == "__main__":
    main()
