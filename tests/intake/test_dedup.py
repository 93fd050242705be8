"""Duplicate detection: normalisation, exact keys, near-duplicates, facts, band keys, index."""

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from services.intake.dedup import (
    DuplicateIndex,
    band_keys,
    best_match,
    conflicts,
    exact_key,
    is_near_duplicate,
    match_doc,
    matching_text,
    similarity,
)

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "bench" / "data" / "dedup_pairs.json"

WAGES = ("Công ty May Hòa Bình nợ lương công nhân 3 tháng",
         "Công nhân Công ty Cổ phần May Hòa Bình (KCN Tân Hưng) phản ánh công ty đã nợ lương "
         "3 tháng liền, đời sống anh chị em rất khó khăn. Đề nghị Công đoàn vào cuộc.")
WAGES_REWORDED = ("Phản ánh việc chậm trả lương tại Công ty May Hòa Bình",
                  "Đã 3 tháng nay Công ty CP May Hòa Bình ở khu công nghiệp Tân Hưng chưa trả "
                  "lương cho người lao động, đời sống rất khó khăn.")
ROAD = ("Đường vào KCN Đông An xuống cấp nghiêm trọng",
        "Tuyến đường từ quốc lộ vào KCN Đông An có nhiều ổ gà, trời mưa ngập nước, công nhân "
        "đi làm ca đêm rất nguy hiểm, đã xảy ra 2 vụ tai nạn trong tháng này.")
ROAD_REORDERED = ("Xuống cấp nghiêm trọng đường vào khu công nghiệp Đông An",
                  "Trời mưa ngập nước, nhiều ổ gà trên tuyến đường từ quốc lộ vào khu công "
                  "nghiệp Đông An; trong tháng này đã xảy ra 2 vụ tai nạn, công nhân đi làm ca "
                  "đêm rất nguy hiểm.")
SMOKE = ("Lò gạch gây ô nhiễm khói bụi ở thôn Đồng Tâm",
         "Người dân thôn Đồng Tâm, xã Tân Lập phản ánh lò gạch thủ công đốt suốt đêm, khói bụi "
         "bay vào nhà dân, nhiều trẻ em bị ho. Đề nghị chính quyền kiểm tra, xử lý.")


def plain(text):
    """The text typed without diacritics, case kept."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def doc(pair):
    """The MatchDoc of a (title, body) pair."""
    return match_doc(*pair)


# normalisation


def test_nfc_and_nfd_input_give_the_same_matching_text():
    text = "Công ty Hòa Bình nợ lương người lao động"
    assert matching_text(unicodedata.normalize("NFD", text)) == matching_text(text)


def test_matching_text_folds_case_diacritics_punctuation_and_spaces():
    assert matching_text("  Đường  vào THÔN Đồng-Tâm\n bị hỏng!!! ") == \
        "duong vao thon dong tam bi hong"


@pytest.mark.parametrize(("written", "read"), [
    ("KCN Tân Hưng", "khu cong nghiep tan hung"),
    ("UBND xã", "uy ban nhan dan xa"),
    ("HĐND huyện", "hoi dong nhan dan huyen"),
    ("đóng BHXH, BHYT", "dong bao hiem xa hoi bao hiem y te"),
    ("NLĐ và NLD", "nguoi lao dong va nguoi lao dong"),
    ("CBCNV, CNVC", "can bo cong nhan vien cong nhan vien chuc"),
    ("các TCCSĐ", "cac to chuc co so dang"),
    ("ĐU, ĐUK", "dang uy dang uy khoi"),
    ("SXKD gặp khó", "san xuat kinh doanh gap kho"),
    ("kiểm tra ATVSLĐ", "kiem tra an toan ve sinh lao dong"),
    ("TP. Yên Thạnh, Q. Ba Đình, P. Tân Mai, P.5", "thanh pho yen thanh quan ba dinh phuong "
                                                    "tan mai phuong 5"),
    ("Cty TNHH MTV", "cong ty trach nhiem huu han mot thanh vien"),
])
def test_common_abbreviations_read_as_their_full_words(written, read):
    assert matching_text(written) == read


def test_lower_case_words_that_look_like_abbreviations_are_left_alone():
    assert matching_text("đủ tiền, làm ca đêm, đi P. nào") == "du tien lam ca dem di p nao"


def test_numbers_lose_separators_and_dates_read_like_words():
    assert matching_text("1.200.000đ, 1,5 triệu, 40%") == \
        "1200000 dong 1.5 trieu 40 phan tram"
    assert matching_text("ngày 12/5/2025") == matching_text("ngày 12 tháng 5 năm 2025")


# exact keys


def test_exact_key_is_equal_across_diacritics_case_and_spacing():
    title, body = WAGES
    assert exact_key(title, body) == exact_key(plain(title).upper(),
                                               "  " + body.replace(" ", "   ") + " ")


def test_exact_key_is_a_sha256_in_hex():
    key = exact_key(*WAGES)
    assert len(key) == 64 and int(key, 16) >= 0


def test_exact_key_differs_when_a_word_or_the_title_differs():
    title, body = WAGES
    assert exact_key(title, body) != exact_key(title, body.replace("3 tháng", "5 tháng"))
    assert exact_key(title, body) != exact_key(body, title)


# near-duplicates


def test_a_reworded_complaint_is_a_near_duplicate():
    assert is_near_duplicate(doc(WAGES), doc(WAGES_REWORDED))


def test_a_complaint_typed_without_diacritics_is_a_near_duplicate():
    assert is_near_duplicate(doc(SMOKE), match_doc(plain(SMOKE[0]), plain(SMOKE[1])))


def test_a_complaint_typed_without_diacritics_or_capitals_is_a_near_duplicate():
    lower = match_doc(plain(SMOKE[0]).lower(), plain(SMOKE[1]).lower())
    assert is_near_duplicate(doc(SMOKE), lower)


def test_a_complaint_with_its_words_reordered_is_a_near_duplicate():
    assert is_near_duplicate(doc(ROAD), doc(ROAD_REORDERED))


def test_similarity_is_symmetric_and_between_zero_and_one():
    a, b = doc(WAGES), doc(ROAD)
    assert similarity(a, b) == pytest.approx(similarity(b, a))
    assert 0 <= similarity(a, b) < 0.5 < similarity(a, doc(WAGES_REWORDED)) <= 1
    assert similarity(a, a) == pytest.approx(1.0)


def test_a_different_number_of_months_keeps_two_complaints_apart():
    other = (WAGES[0].replace("3 tháng", "5 tháng"), WAGES[1].replace("3 tháng", "5 tháng"))
    assert not is_near_duplicate(doc(WAGES), doc(other))
    assert conflicts(doc(WAGES), doc(other)) == ["number:thang"]


def test_a_different_company_keeps_two_complaints_apart():
    other = (WAGES[0].replace("Hòa Bình", "Hòa Phát"), WAGES[1].replace("Hòa Bình", "Hòa Phát"))
    assert not is_near_duplicate(doc(WAGES), doc(other))
    assert "name:may hoa binh|may hoa phat" in conflicts(doc(WAGES), doc(other))


def test_a_different_commune_keeps_two_complaints_apart():
    other = (SMOKE[0], SMOKE[1].replace("xã Tân Lập", "xã Tân Tiến"))
    assert not is_near_duplicate(doc(SMOKE), doc(other))


def test_a_different_commune_is_told_apart_even_in_text_without_capitals():
    other = (SMOKE[0], plain(SMOKE[1].replace("xã Tân Lập", "xã Tân Tiến")).lower())
    assert conflicts(doc(SMOKE), doc(other))


def test_a_different_person_keeps_two_complaints_apart():
    a = ("Chậm cấp giấy chứng nhận QSDĐ", "Bà Lê Thị Hoa, thôn 4, xã Tân Lập nộp hồ sơ từ "
                                         "tháng 3 năm 2024 đến nay chưa được giải quyết.")
    b = (a[0], a[1].replace("Lê Thị Hoa", "Lê Thị Hồng"))
    assert not is_near_duplicate(doc(a), doc(b))


def test_the_same_date_and_amount_written_two_ways_are_the_same_facts():
    a = match_doc("Thu tiền", "Ngày 12/5/2025 trường thu 1,5 triệu đồng mỗi em.")
    b = match_doc("Thu tiền", "Trường thu 1.500.000đ mỗi em vào ngày 12 tháng 5 năm 2025.")
    assert a.numbers == b.numbers == {("#ngay", "12"), ("#thang", "5"), ("#nam", "2025"),
                                      ("dong", "1500000")}


def test_a_quantity_and_an_identifier_are_different_facts():
    facts = match_doc("", "Nợ lương 3 tháng, từ tháng 8 đến tháng 10, tổ dân phố 7.").numbers
    assert facts == {("thang", "3"), ("#thang", "8"), ("#thang", "10"), ("#to dan pho", "7")}


def test_names_are_found_with_what_they_name():
    names = match_doc("", "Công nhân Công ty Cổ phần May Hòa Bình ở KCN Phố Nối, xã Tân Lập "
                          "phản ánh ông Nguyễn Văn An không trả lời.").names
    assert {(n.text, n.marker) for n in names} == {
        ("may hoa binh", "company"), ("noi", "street"), ("tan lap", "commune"),
        ("nguyen van an", "person")}


def test_capitalised_words_that_start_a_sentence_or_name_no_one_are_not_names():
    names = match_doc("Đề nghị kiểm tra", "Người dân phản ánh. Đảng ủy Khối và Công đoàn "
                                          "đã biết, Ban Giám đốc chưa trả lời.").names
    assert names == ()


def test_the_surname_dang_is_not_the_party():
    names = match_doc("", "Đảng viên Đặng Xuân Long tổ chức đánh bạc.").names
    assert [(n.text, n.marker) for n in names] == [("dang xuan long", "person")]


# band keys


def test_near_duplicates_share_band_keys():
    for a, b in ((WAGES, WAGES_REWORDED), (ROAD, ROAD_REORDERED),
                 (SMOKE, (plain(SMOKE[0]).lower(), plain(SMOKE[1]).lower()))):
        assert set(band_keys(doc(a))) & set(band_keys(doc(b)))


def test_unrelated_complaints_share_no_band_keys():
    assert not set(band_keys(doc(WAGES))) & set(band_keys(doc(ROAD)))


def test_band_keys_are_short_and_few():
    for pair in (WAGES, ROAD, SMOKE, (plain(SMOKE[0]).lower(), plain(SMOKE[1]).lower())):
        keys = band_keys(doc(pair))
        assert 8 <= len(keys) <= 28 and len(set(keys)) == len(keys)
        assert all(len(key) <= 40 for key in keys)


def test_band_keys_do_not_depend_on_the_process_hash_seed():
    script = ("from services.intake.dedup import band_keys, match_doc; "
              f"print(band_keys(match_doc({WAGES[0]!r}, {WAGES[1]!r})))")
    outputs = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1
    assert outputs.pop().strip() == str(band_keys(doc(WAGES)))


def test_an_empty_text_has_no_band_keys():
    assert band_keys(match_doc("", "")) == []


# best match and the index


def test_best_match_returns_the_most_similar_near_duplicate():
    candidates = [("road", doc(ROAD)), ("wages", doc(WAGES)),
                  ("other-company", doc((WAGES[0], WAGES[1].replace("Hòa Bình", "Hòa Phát"))))]
    found = best_match(doc(WAGES_REWORDED), candidates)
    assert found is not None and found[0] == "wages" and 0.5 <= found[1] <= 1


def test_best_match_returns_none_when_nothing_is_a_near_duplicate():
    assert best_match(doc(WAGES), [("road", doc(ROAD)), ("smoke", doc(SMOKE))]) is None
    assert best_match(doc(WAGES), []) is None


def test_index_finds_the_open_case_a_submission_repeats():
    index = DuplicateIndex()
    for n, pair in enumerate((ROAD, SMOKE, WAGES)):
        index.add(f"case-{n}", doc(pair))
    assert len(index) == 3
    assert index.find(doc(WAGES_REWORDED))[0] == "case-2"
    assert index.find(doc(ROAD_REORDERED))[0] == "case-0"


def test_index_finds_a_case_from_a_text_without_diacritics_or_capitals():
    index = DuplicateIndex()
    index.add("smoke", doc(SMOKE))
    index.add("road", doc(ROAD))
    found = index.find(match_doc(plain(SMOKE[0]).lower(), plain(SMOKE[1]).lower()))
    assert found is not None and found[0] == "smoke"


def test_index_keeps_a_complaint_with_a_different_fact_apart():
    index = DuplicateIndex()
    index.add("wages", doc(WAGES))
    other = (WAGES[0].replace("3 tháng", "5 tháng"), WAGES[1].replace("3 tháng", "5 tháng"))
    assert index.find(doc(other)) is None


def test_index_forgets_a_removed_case_and_ignores_unknown_ids():
    index = DuplicateIndex()
    index.add("wages", doc(WAGES))
    index.add("road", doc(ROAD))
    index.remove("wages")
    index.remove("never-added")
    assert len(index) == 1
    assert index.find(doc(WAGES_REWORDED)) is None
    assert index.find(doc(ROAD_REORDERED))[0] == "road"
    assert "wages" not in {i for held in index._buckets.values()
                           for i in (held if isinstance(held, list) else [held])}


def test_adding_an_id_again_replaces_what_was_indexed_under_it():
    index = DuplicateIndex()
    index.add("case", doc(WAGES))
    index.add("case", doc(ROAD))
    assert len(index) == 1
    assert index.find(doc(WAGES_REWORDED)) is None
    assert index.find(doc(ROAD_REORDERED))[0] == "case"


# the labelled data set


def test_labelled_pairs_are_well_formed_and_about_half_duplicates():
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    assert len(pairs) >= 60
    assert len({p["id"] for p in pairs}) == len(pairs)
    assert 0.4 <= sum(p["duplicate"] for p in pairs) / len(pairs) <= 0.6
    for p in pairs:
        assert p["kind"] and isinstance(p["duplicate"], bool)
        assert all(p[side]["title"] and p[side]["body"] for side in "ab")


def test_precision_and_recall_on_the_labelled_pairs_are_at_least_ninety_percent():
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    predicted = [(p["duplicate"], is_near_duplicate(match_doc(**p["a"]), match_doc(**p["b"])))
                 for p in pairs]
    true_positives = sum(label and guess for label, guess in predicted)
    precision = true_positives / max(1, sum(guess for _, guess in predicted))
    recall = true_positives / sum(label for label, _ in predicted)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
