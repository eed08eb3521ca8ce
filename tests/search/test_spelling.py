"""Typo correction against the taxonomy vocabulary (search/spelling.py), on the catalogue's taxonomy;
the backends' use of it is in test_contract.py."""
from search.spelling import MAX_WORDS, correct


def known(*words):
    return lambda text: text in words


def test_unknown_words_take_the_taxonomy_spelling_and_punctuation_stays(catalogue):
    finds = known("tôlerie", "décolletage", "laser")
    assert correct("tolerei, laser", finds) == "tôlerie, laser"
    assert correct("Decoletage", finds) == "décolletage"


def test_nothing_to_correct_is_an_empty_string(catalogue):
    assert correct("laser", known("laser")) == ""  # finds something as typed
    assert correct("tolerie", known()) == ""  # a taxonomy word is never "corrected"
    assert correct("xqzwvyk 316L", known()) == ""  # nothing close
    assert correct("tolerei", known()) == ""  # the correction would find nothing either


def test_long_texts_are_not_corrected(catalogue):
    assert correct(" ".join(["tolerei"] * (MAX_WORDS + 1)), known("tôlerie")) == ""
