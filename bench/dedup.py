"""Duplicate detection benchmark: precision and recall on labelled pairs, cost at scale.

Part 1 scores intake's near-duplicate rule on bench/data/dedup_pairs.json (precision,
recall, F1, per kind, the pairs it gets wrong, and whether the band keys bring each
duplicate up as a candidate). Part 2 builds a DuplicateIndex of N synthetic open cases
(15 topics × two phrasings × people, companies, places and numbers; fixed seed), then
checks three kinds of new submission against it: a reworded duplicate of an open case,
an open case with one fact changed, and a fresh case. It prints the figures and writes
bench/results/dedup.json. In-process, no broker or database.

    .venv/bin/python bench/dedup.py [-n 100000] [-q 1000] [--seed 7]
"""

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.intake import dedup  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PAIRS = ROOT / "bench" / "data" / "dedup_pairs.json"

SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Mai "
            "Tạ Lương")
MIDDLES = "Văn Thị Hữu Đức Minh Thanh Ngọc Quang Xuân Thu"
GIVENS = ("An Bình Cường Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khải Lan Linh Long Nga Phong "
          "Phúc Quân Sơn Tâm Thảo Thắng Tú Tuấn Vân Yến Lâm Trung Kiên")
SYLLABLES = ("Tân An Phú Yên Hòa Thanh Bình Đông Tây Nam Bắc Long Phúc Thịnh Hưng Lập Tiến "
             "Xuân Lộc Sơn Hà Mỹ Quang Minh Đức Thuận Vĩnh Kim Hồng Trung")
TRADES = ["May", "Giày da", "Điện tử", "Cơ khí", "Thực phẩm", "Bao bì", "Dệt may", "Xây dựng",
          "Nhựa", "Chế biến gỗ", "Thép", "Dược phẩm", "Vận tải", "Cấp nước", "Môi trường"]
LEGAL = ["Cổ phần", "TNHH", "TNHH MTV", "CP", ""]

# topic: slots, then two phrasings ("title | body") of the same matter
TOPICS = [
    ("company zone months", [
        "{company} nợ lương công nhân {months} tháng | Công nhân {company} ở {zone} phản ánh công"
        " ty đã nợ lương {months} tháng liền, đời sống rất khó khăn. Đề nghị công đoàn và Đảng ủy"
        " Khối vào cuộc.",
        "Chậm trả lương tại {company_short} | Đã {months} tháng nay {company_short} ({zone}) chưa"
        " trả lương cho người lao động. Anh chị em đề nghị cấp trên can thiệp sớm."]),
    ("company months workers", [
        "{company} không đóng BHXH | {workers} người lao động {company} phản ánh công ty trừ tiền"
        " bảo hiểm xã hội vào lương nhưng không nộp suốt {months} tháng, không được hưởng chế độ "
        "ốm đau, thai sản.",
        "Nợ bảo hiểm xã hội {months} tháng ở {company_short} | Công ty không nộp BHXH {months} "
        "tháng cho {workers} công nhân dù vẫn trừ lương hằng tháng; anh chị em ốm đau, thai sản "
        "không được hưởng chế độ."]),
    ("company zone hours", [
        "Công nhân {company_short} bị ép tăng ca | Tại {company} ({zone}), công nhân bị buộc tăng"
        " ca đến {hours} giờ hằng ngày, kể cả Chủ nhật, vượt quá số giờ làm thêm theo quy định.",
        "{company_short} bắt làm thêm giờ quá mức | Người lao động {company_short} ở {zone} bị ép"
        " làm thêm đến {hours} giờ mỗi ngày, cả ngày Chủ nhật, vượt mức luật cho phép."]),
    ("company workers date", [
        "{company} cho {workers} công nhân nghỉ việc không trợ cấp | Ngày {date}, {company} chấm "
        "dứt hợp đồng với {workers} công nhân, không báo trước và không chi trả trợ cấp thôi việc"
        " theo quy định.",
        "Sa thải {workers} lao động, không trả trợ cấp | {workers} người lao động {company_short}"
        " bị cho thôi việc từ ngày {date} mà không được báo trước, không được nhận trợ cấp thôi "
        "việc."]),
    ("zone district accidents", [
        "Đường vào {zone} xuống cấp nghiêm trọng | Tuyến đường vào {zone}, {district} có nhiều ổ "
        "gà, trời mưa ngập nước, đã xảy ra {accidents} vụ tai nạn, công nhân đi ca đêm rất nguy "
        "hiểm.",
        "Xuống cấp nghiêm trọng đường vào {zone} | Trời mưa ngập nước, nhiều ổ gà trên đường vào "
        "{zone} ({district}); đã có {accidents} vụ tai nạn, công nhân đi làm ca đêm rất nguy "
        "hiểm."]),
    ("tdp ward date", [
        "Mất điện kéo dài tại tổ dân phố {tdp}, {ward} | Ngày {date}, tổ dân phố {tdp}, {ward} bị"
        " mất điện cả ngày mà không có thông báo trước, nhiều hộ kinh doanh bị thiệt hại.",
        "{ward}: tổ dân phố {tdp} mất điện cả ngày | Nhiều hộ kinh doanh bị thiệt hại vì tổ dân "
        "phố {tdp} {ward} mất điện cả ngày {date}, điện lực không thông báo trước."]),
    ("tdp ward households", [
        "Tổ dân phố {tdp} {ward} thiếu nước sạch | Khoảng {households} hộ dân tổ dân phố {tdp}, "
        "{ward} không có nước sạch sinh hoạt, nước máy chảy yếu rồi mất hẳn, công ty cấp nước "
        "chưa khắc phục.",
        "Thiếu nước sạch ở tổ dân phố {tdp}, {ward} | Công ty cấp nước chưa khắc phục việc nước "
        "máy mất hẳn; khoảng {households} hộ dân ở tổ dân phố {tdp} {ward} không có nước sạch "
        "sinh hoạt."]),
    ("person thon commune year", [
        "UBND {commune} chậm cấp giấy chứng nhận QSDĐ | {person_title} {person}, thôn {thon}, "
        "{commune} nộp hồ sơ cấp giấy chứng nhận QSDĐ từ năm {year} đến nay chưa được UBND xã "
        "giải quyết.",
        "Chậm cấp giấy chứng nhận quyền sử dụng đất ở {commune} | Hồ sơ cấp giấy chứng nhận quyền"
        " sử dụng đất của {person_title_lower} {person} (thôn {thon}, {commune}) nộp từ năm "
        "{year} vẫn chưa được Ủy ban nhân dân xã giải quyết."]),
    ("company commune river", [
        "{company_short} xả nước thải ra sông {river} | Người dân {commune} phản ánh {company} xả"
        " nước thải chưa qua xử lý ra sông {river} vào ban đêm, nước sông bốc mùi hôi thối, cá "
        "chết.",
        "Cá chết trên sông {river} nghi do nước thải | Đêm nào {company_short} cũng xả thẳng nước"
        " thải ra sông {river} đoạn qua {commune}; nước đen, hôi, cá chết. Bà con đề nghị kiểm "
        "tra."]),
    ("company workers date", [
        "Ngộ độc thực phẩm tại bếp ăn {company_short} | Trưa ngày {date}, sau bữa ăn ca, "
        "{workers} công nhân {company} bị đau bụng, nôn, phải đi cấp cứu. Đề nghị kiểm tra đơn vị"
        " cung cấp suất ăn.",
        "{workers} công nhân {company_short} nhập viện sau bữa trưa | Ngày {date}, {workers} "
        "người lao động {company_short} bị nôn, đau bụng phải cấp cứu sau khi ăn trưa tại bếp ăn "
        "công ty."]),
    ("school amount", [
        "Trường THCS {school} thu nhiều khoản ngoài quy định | Phụ huynh Trường THCS {school} "
        "phản ánh đầu năm học nhà trường thu quỹ lớp, máy chiếu, vệ sinh, tổng cộng {amount} "
        "triệu đồng mỗi em, nhiều khoản sai quy định.",
        "Trường THCS {school} thu tiền sai quy định | Đầu năm học Trường THCS {school} thu quá "
        "nhiều khoản: quỹ lớp, máy chiếu, vệ sinh… hết {amount} triệu đồng mỗi học sinh, phụ "
        "huynh bức xúc."]),
    ("person company", [
        "Đảng viên {person} tổ chức đánh bạc | Quần chúng phản ánh đồng chí {person}, đảng viên "
        "chi bộ {company}, thường xuyên tổ chức đánh bài ăn tiền tại nhà, ảnh hưởng uy tín tổ "
        "chức đảng.",
        "Phản ánh đảng viên {person} đánh bài ăn tiền | Đồng chí {person} ({company_short}) là "
        "đảng viên nhưng tối nào cũng gọi người đến nhà đánh bạc, đề nghị chi bộ xem xét."]),
    ("village commune weeks", [
        "Rác thải không được thu gom ở thôn {village} | Đã {weeks} tuần xe thu gom rác không vào "
        "thôn {village}, {commune}, rác thải ùn ứ hai bên đường, bốc mùi hôi.",
        "Thôn {village}: rác không được thu gom | Rác ùn ứ hai bên đường, bốc mùi hôi vì đã "
        "{weeks} tuần xe thu gom rác không vào thôn {village}, {commune}."]),
    ("xom commune storm months", [
        "Chưa nhận tiền hỗ trợ thiệt hại do bão số {storm} | Các hộ dân xóm {xom}, {commune} bị "
        "tốc mái trong bão số {storm}, đã {months} tháng vẫn chưa nhận được tiền hỗ trợ.",
        "Chậm chi hỗ trợ bão số {storm} ở {commune} | Hộ dân xóm {xom} {commune} bị tốc mái trong"
        " bão số {storm}, {months} tháng nay chưa nhận được tiền hỗ trợ."]),
    ("karaoke khupho ward", [
        "Quán karaoke {karaoke} hát xuyên đêm | Quán karaoke {karaoke} ở khu phố {khupho}, {ward}"
        " mở nhạc to đến 2 giờ sáng, người dân xung quanh không ngủ được.",
        "Karaoke {karaoke} gây ồn sau nửa đêm | Khu phố {khupho}, {ward}: karaoke {karaoke} hát "
        "ầm ĩ tới 2 giờ sáng, bà con mất ngủ."]),
]
RANGES = {"months": (2, 12), "workers": (20, 900), "hours": (20, 23), "accidents": (2, 9),
          "tdp": (1, 25), "households": (20, 300), "thon": (1, 15), "year": (2018, 2025),
          "weeks": (1, 6), "xom": (1, 20), "storm": (1, 12), "khupho": (1, 20)}
SLOTS = {
    "amount": lambda r: r.choice([1, 1.5, 2, 2.5, 3, 4]),
    "date": lambda r: f"{r.randint(1, 28)}/{r.randint(1, 12)}/2025",
    "person": lambda r: " ".join(r.choice(x.split()) for x in (SURNAMES, MIDDLES, GIVENS)),
    "company": lambda r: (r.choice(LEGAL), r.choice(TRADES), place(r)),
}
PLACES = {"zone": "KCN {}", "district": "huyện {}", "ward": "phường {}", "commune": "xã {}"}


def place(rng):
    """A fictional two-syllable place or company name."""
    first, second = rng.sample(SYLLABLES.split(), 2)
    return f"{first} {second}"


def draw(slot, rng):
    """A random value for one slot of a topic."""
    if slot in RANGES:
        return rng.randint(*RANGES[slot])
    return SLOTS[slot](rng) if slot in SLOTS else place(rng)


def render(topic, variant, params):
    """(title, body) of a topic's phrasing with its slots filled in."""
    values = {slot: PLACES.get(slot, "{}").format(value) for slot, value in params.items()}
    if "company" in params:
        legal, trade, name = params["company"]
        values["company"] = " ".join(w for w in ("Công ty", legal, trade, name) if w)
        values["company_short"] = f"Công ty {trade} {name}"
    if "person" in params:
        values["person_title"] = "Bà" if " Thị " in params["person"] else "Ông"
        values["person_title_lower"] = values["person_title"].lower()
    if "amount" in params:
        values["amount"] = str(params["amount"]).replace(".", ",")
    return tuple(TOPICS[topic][1][variant].format(**values).split(" | "))


def strip_marks(text):
    """The text typed without diacritics (case kept), as on a phone without a VN keyboard."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return plain.replace("đ", "d").replace("Đ", "D")


ABBREVIATE = [("khu công nghiệp", "KCN"), ("KCN", "khu công nghiệp"), ("Công ty", "Cty"),
              ("người lao động", "NLĐ"), ("Ủy ban nhân dân", "UBND"), ("UBND", "Ủy ban nhân dân"),
              ("bảo hiểm xã hội", "BHXH"), ("công nhân", "CN")]


def transform(kind, title, body):
    """A duplicate as another reporter might send it."""
    if kind == "no_diacritics":
        return strip_marks(title), strip_marks(body)
    if kind == "abbreviated":
        for old, new in ABBREVIATE:
            if old in title + body:
                title, body = title.replace(old, new), body.replace(old, new)
        return title, body
    if kind == "reordered":
        sentences = [s for s in body.replace(";", ".").split(". ") if s]
        return title, ". ".join(reversed(sentences))
    return title, body


def generate(count, rng):
    """`count` distinct open cases: [(topic, variant, params)]."""
    cases, seen = [], set()
    while len(cases) < count:
        topic = rng.randrange(len(TOPICS))
        params = {slot: draw(slot, rng) for slot in TOPICS[topic][0].split()}
        key = (topic, tuple(sorted(params.items())))
        if key not in seen:
            seen.add(key)
            cases.append((topic, rng.randrange(2), params))
    return cases, seen


def percentiles(values):
    """p50, p95, p99 and mean of a list of numbers, rounded."""
    ordered = sorted(values)
    return {**{f"p{p}": round(ordered[min(len(ordered) - 1, p * len(ordered) // 100)], 4)
               for p in (50, 95, 99)}, "mean": round(statistics.fmean(ordered), 4)}


def rss_mb():
    """Resident memory of this process in MB (Linux), or None."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def metrics(labels, predictions):
    """Precision, recall, F1 and the confusion counts of boolean predictions."""
    counts = Counter(zip(labels, predictions, strict=True))
    tp, fp, fn = counts[True, True], counts[False, True], counts[True, False]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn, "tn": len(labels) - tp - fp - fn}


def score_pairs(pairs):
    """Part 1: the rule against the labelled pairs."""
    docs = [(p, dedup.match_doc(**p["a"]), dedup.match_doc(**p["b"])) for p in pairs]
    labels = [p["duplicate"] for p, _, _ in docs]
    scores = [dedup.similarity(a, b) for _, a, b in docs]
    guarded = [bool(dedup.conflicts(a, b)) for _, a, b in docs]
    predictions = [dedup.is_near_duplicate(a, b) for _, a, b in docs]
    result = {"pairs": len(pairs), "duplicates": sum(labels), "threshold": dedup.THRESHOLD,
              **metrics(labels, predictions)}
    right = Counter(p["kind"] for (p, _, _), guess in zip(docs, predictions, strict=True)
                    if guess == p["duplicate"])
    total = Counter(p["kind"] for p in pairs)
    result["by_kind"] = {k: f"{right[k]}/{total[k]}" for k in sorted(total)}
    result["misclassified"] = [
        {"id": p["id"], "kind": p["kind"], "label": p["duplicate"], "score": round(s, 3),
         "dedup.conflicts": dedup.conflicts(a, b)}
        for (p, a, b), s, predicted in zip(docs, scores, predictions, strict=True)
        if predicted != p["duplicate"]]
    result["sweep"] = [{"threshold": t, **metrics(labels, [s >= t and not g for s, g in
                                                           zip(scores, guarded, strict=True)])}
                       for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)]
    index = dedup.DuplicateIndex()
    for p, a, _ in docs:
        index.add(p["id"], a)
    positives = [(p, b) for p, _, b in docs if p["duplicate"]]
    result["candidate_recall"] = round(sum(p["id"] in index.candidates(b)
                                           for p, b in positives) / len(positives), 4)
    return result


def check(index, title, body):
    """Look one submission up: (found, ms building its doc and keys, ms finding, candidates)."""
    t0 = time.perf_counter()
    doc = dedup.match_doc(title, body)
    keys = dedup.band_keys(doc)
    t1 = time.perf_counter()
    found = index.find(doc, keys)
    return found, (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000, len(
        index.candidates(doc, keys))


def run_scale(count, queries, seed):
    """Part 2: an index of `count` synthetic open cases and the cost of checking against it."""
    rng = random.Random(seed)
    cases, seen = generate(count, rng)
    gc.collect()
    before, t0, key_count = rss_mb(), time.perf_counter(), 0
    index = dedup.DuplicateIndex()
    for n, (topic, variant, params) in enumerate(cases):
        doc = dedup.match_doc(*render(topic, variant, params))
        keys = dedup.band_keys(doc)
        key_count += len(keys)
        index.add(f"S{n:06d}", doc, keys)
    build_seconds = time.perf_counter() - t0
    gc.collect()
    gc.freeze()  # a long-lived index: keep the cyclic collector from walking it on each pass
    after = rss_mb()
    costs, kinds = [], {}

    def record(kind, found, source, params, labels, *cost):
        """Tally a lookup: its source found, another case with the very same facts (a true
        duplicate, where a topic has few facts to vary), another case, or none."""
        n = int(found[0][1:]) if found else None
        label = (labels[3] if n is None else labels[0] if n == source
                 else labels[1] if cases[n][0] == cases[source][0] and cases[n][2] == params
                 else labels[2])
        tally = kinds.setdefault(kind, {"queries": 0})
        tally["queries"] += 1
        tally[label] = tally.get(label, 0) + 1
        costs.append(cost)

    styles = ("reworded", "no_diacritics", "abbreviated", "reordered")
    for n, pick in enumerate(rng.sample(range(count), queries)):
        topic, variant, params = cases[pick]
        found, *cost = check(index, *transform(styles[n % 4],
                                               *render(topic, 1 - variant, params)))
        record("near_duplicate", found, pick, params,
               ("found_source", "found_same_facts", "found_other", "missed"), *cost)
        slot, changed = rng.choice(TOPICS[topic][0].split()), dict(params)
        while changed[slot] == params[slot]:
            changed[slot] = draw(slot, rng)
        found, *cost = check(index, *render(topic, variant, changed))
        record("one_fact_changed", found, pick, changed,
               ("matched_source", "matched_same_facts", "matched_other", "kept_apart"), *cost)
    fresh, _ = generate(queries * 2, random.Random(seed + 1))
    fresh = [c for c in fresh if (c[0], tuple(sorted(c[2].items()))) not in seen][:queries]
    for topic, variant, params in fresh:
        found, *cost = check(index, *render(topic, variant, params))
        record("fresh", found, -1, None, ("", "", "false_alarm", "no_match"), *cost)
    doc_ms, find_ms, candidates = zip(*costs, strict=True)
    memory = (after - before) if before and after else None
    return {
        "open_cases": count, "band_keys_per_case": round(key_count / count, 1),
        "max_candidates": dedup.MAX_CANDIDATES, "max_bucket": dedup.MAX_BUCKET,
        "build_seconds": round(build_seconds, 2), "cases_per_second": round(count / build_seconds),
        "memory_mb": round(memory, 1) if memory else None,
        "bytes_per_case": round(memory * 2**20 / count) if memory else None,
        "check_ms": percentiles([d + f for d, f in zip(doc_ms, find_ms, strict=True)]),
        "doc_ms": percentiles(doc_ms), "find_ms": percentiles(find_ms),
        "candidates_verified": percentiles(candidates), "queries": kinds,
    }


def report(quality, scale):
    """Print the figures."""
    q = quality
    print(f"labelled pairs: {q['pairs']} ({q['duplicates']} duplicates), threshold "
          f"{q['threshold']}\nprecision {q['precision']:.3f}  recall {q['recall']:.3f}  F1 "
          f"{q['f1']:.3f}  (tp {q['tp']} fp {q['fp']} fn {q['fn']} tn {q['tn']})")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in q["by_kind"].items()))
    for wrong in q["misclassified"]:
        print(f"  wrong: {wrong}")
    print(f"band keys bring up {q['candidate_recall']:.0%} of duplicates as candidates (an "
          "index of every pair's first text, looked up with the second)")
    print("sweep: " + "  ".join(f"{s['threshold']}: P {s['precision']:.2f} R {s['recall']:.2f}"
                                for s in q["sweep"]))
    s = scale
    print(f"index of {s['open_cases']} open cases built in {s['build_seconds']} s "
          f"({s['cases_per_second']}/s), memory {s['memory_mb']} MB ({s['bytes_per_case']} B "
          f"per case), {s['band_keys_per_case']} band keys per case")
    for name in ("check_ms", "doc_ms", "find_ms", "candidates_verified"):
        print(f"{name}: " + "  ".join(f"{k} {v:.3f}" for k, v in s[name].items()))
    for kind, tally in s["queries"].items():
        print(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in tally.items()))


def main():
    """Run both parts, print the figures and write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--open-cases", type=int, default=100_000)
    parser.add_argument("-q", "--queries", type=int, default=1000, help="per kind of query")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(RESULTS / "dedup.json"))
    args = parser.parse_args()
    quality = score_pairs(json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"])
    print(f"scoring {quality['pairs']} labelled pairs, then building an index of "
          f"{args.open_cases} synthetic open cases …", flush=True)
    scale = run_scale(args.open_cases, args.queries, args.seed)
    report(quality, scale)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "dedup", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "pairs": quality, "scale": scale}, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
