"""Word lists for duplicate detection, in folded form (lower case, no diacritics, đ→d).

Markers (the word before a proper name, grouped by what they name), legal forms and
generic capitalised phrases that are not names, number keys and units, and the stop words
and synonyms used to compare two texts. No framework imports.
"""


def _phrases(text):
    """ "a b, c, d e" → frozenset({"a b", "c", "d e"})."""
    return frozenset(p.strip() for p in text.split(",") if p.strip())


def _words(text):
    """ "a b  c" → frozenset({"a", "b", "c"})."""
    return frozenset(text.split())


def _classes(groups):
    """{class: "phrase, phrase"} → {phrase: class}."""
    return {phrase: cls for cls, phrases in groups.items() for phrase in _phrases(phrases)}


# the word(s) before a name, by what the name is; compared class to class
MARKERS = _classes({
    "person": "ong, ba, anh, chi, em, co, chu, bac, dong chi, liet si, dang vien, giam doc, "
              "pho giam doc, chu tich, pho chu tich, bi thu, pho bi thu, to truong, "
              "truong thon, truong phong, hieu truong, ke toan, than nhan",
    "village": "thon, xom, ap, ban, lang, khu pho, to dan pho, khu dan cu, bon, buon, khom",
    "commune": "xa, phuong, thi tran",
    "district": "huyen, quan, thi xa, thanh pho",
    "province": "tinh",
    "zone": "khu cong nghiep, khu che xuat, cum cong nghiep, khu do thi",
    "company": "cong ty, tong cong ty, doanh nghiep, nha may, xi nghiep, hop tac xa, "
               "tap doan, chi nhanh, quan karaoke, karaoke, nha hang, khach san, trang trai",
    "school": "truong",
    "clinic": "benh vien, trung tam y te, tram y te, phong kham",
    "office": "so, phong, phan xuong, cuc, chi cuc, uy ban nhan dan, hoi dong nhan dan, trung tam",
    "cell": "chi bo, dang bo",
    "water": "song, suoi, kenh",
    "street": "duong, pho, ngo, hem, cau",
})
# one-word markers and generic words that are other words too ("ánh", "sổ", "Đặng"): in a
# text written with diacritics, they count only when written as here
WORD_FORMS = {fold: frozenset({form}) for fold, form in (pair.split(":") for pair in _words(
    "ong:ông ba:bà anh:anh chi:chị em:em co:cô chu:chú bac:bác xa:xã so:sở phong:phòng "
    "ban:bản pho:phố duong:đường cau:cầu song:sông suoi:suối quan:quận lang:làng "
    "thon:thôn xom:xóm ap:ấp tinh:tỉnh huyen:huyện phuong:phường truong:trường ngo:ngõ "
    "hem:hẻm kenh:kênh bon:bon buon:buôn khom:khóm cuc:cục dang:đảng khoi:khối tet:tết"))}
ORG_CLASSES = frozenset({"company", "school", "clinic", "office", "cell"})
# between an organisation's marker and its name; the marker still holds
LEGAL_FORMS = _phrases(
    "co phan, trach nhiem huu han, mot thanh vien, hai thanh vien, lien doanh, "
    "von dau tu nuoc ngoai, tieu hoc, trung hoc co so, trung hoc pho thong, mam non, "
    "da khoa, dan toc noi tru, nhan dan")
# capitalised in Vietnamese writing, but no proper name
GENERIC_NAMES = _phrases(
    "dang uy khoi, dang uy, khoi, cong doan, cong doan co so, ban giam doc, ban thuong vu, "
    "thuong vu, ban chap hanh, ban quan ly, chu nhat, thu hai, thu ba, thu tu, thu nam, "
    "thu sau, thu bay, tet, tet nguyen dan, nguyen dan, nha nuoc, dang, doan thanh nien, "
    "hoi phu nu, hoi cuu chien binh, mat tran to quoc, uy ban kiem tra, bo luat lao dong, "
    "luat lao dong, lien doan lao dong, bo phan mot cua, mot cua, thanh tra, cong an, "
    "vien kiem sat, toa an, tinh uy, huyen uy, thanh uy, tinh doan, chinh phu, quoc hoi, "
    "trung uong, nghi quyet, chi thi, quyet dinh, nghi dinh, thong tu, viet nam, "
    "dai hoi, hoi nghi, to quoc, bao hiem xa hoi, bao hiem y te, y te, giao duc, "
    "lao dong, dieu le")

# the word(s) before an identifying number ("tháng 3", "tổ dân phố 7") → its key
ID_KEYS = {p: p for p in _phrases(
    "thang, ngay, nam, quy, to dan pho, khu pho, to, thon, xom, ap, ban, khu, so, "
    "so nha, ngo, hem, kiet, ngach, quoc lo, tinh lo, tinh, phong, tang, lo, lop, "
    "phuong, quan, dot, ky, khoa, phan xuong, xuong, tuyen, kho, block, toa, can ho")}
# keys that win over a unit after the number: "tháng 3 năm 2024" is March, not 3 years
TIME_KEYS = frozenset({"thang", "ngay", "nam", "quy"})
ID_KEYS.update({"so nha": "so", "nha so": "so", "duong so": "so", "duong tinh": "tinh"})
# the word(s) after a quantity → its unit
UNITS = _classes({
    "nguoi": "nguoi, cong nhan, nguoi lao dong, lao dong, can bo, nhan vien, vien chuc, "
             "cong chuc, cong nhan vien, dang vien, doan vien, thi sinh, benh nhan, nguoi benh",
    "hoc sinh": "hoc sinh, em hoc sinh, chau",
    "ho": "ho, ho dan, ho gia dinh, gia dinh",
    "dong": "dong, vnd",
    "%": "phan tram",
    "m2": "met vuong",
    "m3": "met khoi",
    "km": "km, kilomet, cay so",
    "kg": "kg, kilogam, ky",
    "ha": "ha, hecta",
})
for _unit in _words("thang nam ngay tuan gio phut lan vu ca con chiec xe tau phong tang "
                    "tan suat bo"):
    UNITS.setdefault(_unit, _unit)
MULTIPLIERS = {"nghin": 1_000, "trieu": 1_000_000, "ty": 1_000_000_000}
JOINERS = frozenset({"den", "toi", "va", "hoac", "hay"})
NOT_UNITS = _words("va den toi hoac tu o tai cua cho la thi ma nhung con da se")

# words that say little about which matter a text is about
STOPWORDS = _words("""
    va cua la cac nhung da dang se bi duoc cho voi tai o thi ma nay do co khong chua rat
    cung con tu den ve theo trong mot nhieu moi hon khoang nen vi de neu nhu vao ra len
    lai hang toi minh cai chiec nao gi ai sao the nua roi ay kia day lam mai luon van
    phai can nhu sau truoc khi gan nua tat ca duoc biet cho rang viec tinh trang hien nay
    den nay sau khi cu chi dieu kien
    """)
# stop words that are also syllables of names ("Văn", "Thị", "Mai", "Lâm")
NAME_SYLLABLES = _words("van thi mai lam ha tu the an kim chi cu nam")
# phrases that carry nothing about the matter: petitions' set words and the like
STOP_PHRASES = _phrases(
    "phan anh, de nghi, kien nghi, mong, buc xuc, nguoi dan, ba con, anh chi em, anh em, "
    "xem xet, quan tam, cap tren, co quan chuc nang, vao cuoc, can thiep, lam ro, "
    "giai thich, tra loi, dan")
# phrases that mean the same thing in a complaint → one word
SYNONYMS = _classes({
    "congnhan": "cong nhan, nguoi lao dong, nhan vien, cong nhan vien, can bo cong nhan vien, "
                "cong nhan vien chuc",
    "no": "cham tra, chua tra, khong tra, cham chi tra, chua chi tra, no",
    "boithuong": "boi thuong, den bu",
    "thoiviec": "sa thai, cat hop dong, cham dut hop dong, cho nghi viec, cho thoi viec, "
                "thoi viec, mat viec, nghi viec",
    "tangca": "tang ca, lam them gio, lam them",
    "hong": "hu hong, hong, xuong cap, hu, hong nang",
    "ngap": "ngap, ngap ung, ngap nuoc",
    "hoi": "hoi thoi, hoi, boc mui, mui hoi, boc mui hoi",
    "xathai": "xa thai, xa nuoc thai, nuoc thai",
    "nhungnhieu": "nhung nhieu, phien ha, gay kho, vong vo",
    "xuly": "xu ly, giai quyet, khac phuc",
    "kiemtra": "kiem tra, thanh tra",
    "benhnhan": "benh nhan, nguoi benh",
    "danhbac": "danh bac, danh bai, co bac",
    "tro": "nha tro, phong tro, khu tro, khu nha tro",
    "baixe": "bai xe, bai do xe, bai gui xe, cho de xe, cho do xe, cho gui xe",
    "doxe": "do xe, de xe, gui xe",
    "trai": "trai, trang trai",
    "chedo": "tro cap, che do",
    "tre": "tre em, cac chau, con em",
    "hoso": "ho so, giay to",
    "om": "om dau, om",
    "taunan": "tai nan",
    "ngay": "hang ngay, moi ngay, ngay nao",
    "dem": "hang dem, dem nao, ban dem, suot dem, xuyen dem, ca dem",
    "thang": "hang thang, moi thang",
    "congkhai": "cong khai, minh bach",
    "hut": "hut cat, khai thac cat",
    "tramyte": "tram y te, tram xa",
})


_INDEXES = {}


def _index(table):
    """{first word: lengths}, {last word: lengths} of a table's phrases, longest first."""
    starts, ends = {}, {}
    for phrase in table:
        words = phrase.split()
        starts.setdefault(words[0], set()).add(len(words))
        ends.setdefault(words[-1], set()).add(len(words))
    return ({w: sorted(n, reverse=True) for w, n in starts.items()},
            {w: sorted(n, reverse=True) for w, n in ends.items()})


def longest_phrase(table, words, i, backwards=False):
    """The longest phrase of `table` starting at words[i] (or ending just before it)."""
    index = _INDEXES.get(id(table))
    if index is None:
        index = _INDEXES[id(table)] = (table, *_index(table))
    if backwards:
        if i == 0:
            return None
        for length in index[2].get(words[i - 1], ()):
            if length == 1:
                return words[i - 1]
            if i - length >= 0:
                phrase = " ".join(words[i - length:i])
                if phrase in table:
                    return phrase
        return None
    if i >= len(words):
        return None
    for length in index[1].get(words[i], ()):
        if length == 1:
            return words[i]
        if i + length <= len(words):
            phrase = " ".join(words[i:i + length])
            if phrase in table:
                return phrase
    return None
