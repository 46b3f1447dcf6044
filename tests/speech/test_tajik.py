"""The Tajik letter table and its rules: every letter, every contextual rule, and that eSpeak's
Persian voice really speaks each phoneme the table writes (checked through its phoneme events)."""

from __future__ import annotations

import pytest

from lms.speech import engine
from lms.speech.tajik import LETTERS, LOANS, phonemes, word_phonemes

ALPHABET = "а б в г ғ д е ё ж з и ӣ й к қ л м н о п р с т у ӯ ф х ҳ ч ҷ ш ъ э ю я".split()

# Each letter's example word, as the table and rules write it.
EXAMPLES = {
    "а": "a'nAR", "б": "bA'bA", "в": "'vaqt", "г": "'gul", "ғ": "Qal'la", "д": "'dil",
    "е": "me'va", "ё": "'jAR", "ж": "ZA'la", "з": "za'min", "и": "'in", "ӣ": "tAdZi'ki",
    "й": "'Roj", "к": "ki'tAb", "қ": "qa'lam", "л": "lA'la", "м": "mA'daR", "н": "'nAn",
    "о": "'Ab", "п": "pax'ta", "р": "'RAh", "с": "'seb", "т": "'tut", "у": "u'med",
    "ӯ": "'koh", "ф": "faR'zand", "х": "xA'na", "ҳ": "ha'vA", "ч": "'tSAj", "ҷ": "'dZAj",
    "ш": "'SiR", "ъ": "san'?at", "э": "e:'lAn", "ю": "ju'nAn", "я": "jax'dAn",
    "ц": "tse'ment", "щ": "S;jAt'ka", "ы": "mi'lA", "ь": "ap'Rel",
}


def spoken(mnemonics: str) -> str:
    """What eSpeak's fa voice says for phoneme input, in IPA, stress marks left out."""
    result = engine.synthesize(f"[[{mnemonics}]]", "fa", phoneme_input=True)
    return "".join(result.phonemes).replace("ˈ", "").replace("ˌ", "")


def test_the_table_has_the_35_letters_of_the_tajik_alphabet():
    assert len(ALPHABET) == 35
    assert list(LETTERS) == ALPHABET
    assert set(LOANS) == set("цщыь")


@pytest.mark.parametrize("letter", ALPHABET + list(LOANS))
def test_each_letter_in_its_example_word(letter):
    entry = {**LETTERS, **LOANS}[letter]
    assert letter in entry.example
    assert word_phonemes(entry.example) == EXAMPLES[letter]


@pytest.mark.parametrize("letter", [k for k, v in {**LETTERS, **LOANS}.items() if v.espeak])
def test_espeak_speaks_each_letters_phonemes(letter):
    """An unknown mnemonic is silently dropped by eSpeak: this catches it."""
    entry = {**LETTERS, **LOANS}[letter]
    assert spoken(f"a{entry.espeak}a") == f"a{entry.ipa}a"


def test_the_soft_sign_is_silent():
    assert word_phonemes("апрел") == word_phonemes("апрель")


@pytest.mark.parametrize(("word", "expected"), [
    ("Ереван", "jeRe'van"),     # е at the start of a word: й + е
    ("оед", "'Ajed"),           # after a vowel (an imperative: first syllable)
    ("объект", "Ab'jekt"),      # after ъ
    ("мева", "me'va"),          # after a consonant: е alone
    ("бийе", "bi'je"),          # after й: the vowel alone, no second й
    ("ёр", "'jAR"),             # ё at the start
    ("биёед", "'bijAjed"),      # ё and е after vowels (and би- stressed)
    ("дунё", "dun'jA"),         # ё after a consonant keeps its й
    ("юнон", "ju'nAn"),
    ("обю", "Ab'ju"),           # the stress mark goes before the syllable's й
    ("Россия", "RAssi'ja"),     # я after a vowel
    ("яхдон", "jax'dAn"),
])
def test_iotated_vowels(word, expected):
    assert word_phonemes(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("баъд", "'ba:d"),          # after a vowel: the vowel is long
    ("маъюс", "ma:'jus"),       # also before ю
    ("эълон", "e:'lAn"),
    ("санъат", "san'?at"),      # consonant + ъ + vowel: a glottal stop
    ("ҷамъ", "'dZam?"),         # at the end, after a consonant
    ("объект", "Ab'jekt"),      # consonant + ъ + е: only a separation, е gets its й
])
def test_hard_sign(word, expected):
    assert word_phonemes(word) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("китоби ман", "[[ki'tAbi]] [['man]]"),       # izofat after a consonant: unstressed
    ("хонаи калон", "[[xA'naji]] [[ka'lAn]]"),    # after a vowel: with й, unstressed
    ("китобҳои нав", "[[kitAb'hAji]] [['nav]]"),
    ("чи", "[['tSi]]"),                           # a one-syllable word is not an izofat
    ("тоҷикӣ", "[[tAdZi'ki]]"),                   # ӣ is stressed, not an izofat
])
def test_izofat(text, expected):
    assert phonemes(text) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("китоб", "ki'tAb"),           # the last syllable
    ("китобҳо", "kitAb'hA"),       # the plural -ҳо takes it
    ("китобро", "ki'tAbRA"),       # the enclitic -ро does not
    ("А-ро", "'aRA"),              # nor when written after a hyphen
    ("шудааст", "Su'daast"),       # nor the copula on a participle (the perfect)
    ("даст", "'dast"),             # a word that only ends in -аст
    ("мекунам", "'mekunam"),       # ме- takes it
    ("менависем", "'menavisem"),
    ("намедонам", "'namedAnam"),   # наме-: на- takes it
    ("набошад", "'nabASad"),
    ("бигиред", "'bigiRed"),       # би-
    ("мева", "me'va"),             # ме- without a personal ending: not a prefix
    ("меояд", "'meAjad"),          # -ад written -яд after a vowel
    ("мешӯяд", "'meSojad"),
    ("нависед", "'navised"),       # навис- only looks prefixed; an imperative: first syllable
    ("бинед", "'bined"),
    ("кунед", "'kuned"),
    ("кушоед", "'kuSAjed"),
    ("умед", "u'med"),             # a noun in -ед keeps the final stress
    ("сафед", "sa'fed"),
    ("бисёр", "bis'jAR"),
])
def test_stress(word, expected):
    assert word_phonemes(word) == expected


def test_clitics_join_their_host_and_take_no_stress():
    assert phonemes("ба хона") == "[[baxA'na]]"
    assert phonemes("дар ва аз") == "[[daR]] [[va]] [[az]]"  # no host: words of their own
    assert phonemes("хуб аст") == "[['xubast]]"
    assert phonemes("хона аст") == "[[xA'na]] [['ast]]"  # two vowels would melt into one


def test_a_lone_consonant_is_heard_with_a_short_vowel():
    assert phonemes("б — б") == "[[b@]], [[b@]]"
    assert phonemes("а") == "[['a]]"


def test_punctuation_becomes_pauses_and_the_rest_is_dropped():
    assert phonemes("Салом, дӯстон!") == "[[sa'lAm]], [[dos'tAn]]!"
    assert phonemes("«Анор» (мева)") == "[[a'nAR]], [[me'va]],"
    assert phonemes("Ҳа?\nНе...") == "[['ha]]? [['ne]]."
    assert phonemes("ҳа ,, . не") == "[['ha]], [['ne]]"
    assert phonemes("[[б]] ]]") == "[[b@]]"  # input cannot open or close phoneme mode
    assert phonemes("") == ""
    assert phonemes("* # +") == ""


def test_numbers_are_read_as_tajik_words():
    assert phonemes("5 китоб") == "[['pandZ]] [[ki'tAb]]"
    assert phonemes("25") == "[[bis'tu]] [['pandZ]]"


def test_latin_letters_are_read_one_by_one():
    assert word_phonemes("Umed") == "u'med"


def test_a_real_sentence_is_spoken_with_every_phoneme():
    text = "Ҳарфи калонро дар аввали ном ва дар аввали ҷумла менависем."
    result = engine.synthesize(phonemes(text), "fa", phoneme_input=True)
    ipa = "".join(result.phonemes).replace("ˈ", "")
    assert ipa == "harfikalɑnrɑdaravvalinɑmvadaravvalidʒumlamenavisem"
    assert result.seconds > 2


def test_the_docs_table_is_the_table_in_the_code():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "speech.md").read_text(encoding="utf-8")
    rows = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and len(cells[0]) == 3 and cells[0][1] == " ":
            rows[cells[0][2]] = cells[1:]
    assert set(rows) == set(LETTERS) | set(LOANS)
    for letter, entry in {**LETTERS, **LOANS}.items():
        espeak, ipa, example, written = rows[letter]
        assert espeak.strip("`") == (entry.espeak or "—")
        assert ipa == (entry.ipa or "—")
        assert example == entry.example
        assert written.strip("`") == word_phonemes(entry.example)
