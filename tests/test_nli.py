"""NLI: each contradiction rule (and its guards), the bundled model's floors, model loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framelens import load_settings
from framelens.config import find_datasets_dir
from framelens.errors import ModelError
from framelens.eval import EvalRequest, run_eval
from framelens.nlp import load_nlp
from framelens.nlp.nli import (
    FEATURE_NAMES,
    LABELS,
    BundledNLI,
    _label_order,
    judge,
    load_nli,
    statements,
)
from framelens.text.rules import RuleHit, Side, check_rules, make_side

from .conftest import DATA


def side(text: str) -> Side:
    return make_side(load_nlp()(text)[:])


def fires(a: str, b: str, *, strict: bool = False) -> RuleHit | None:
    """The rule that fires on a pair, checked in both directions (the rules are symmetric)."""
    one = check_rules(side(a), side(b), strict_attribution=strict)
    two = check_rules(side(b), side(a), strict_attribution=strict)
    assert (one is None) == (two is None), (one, two)
    return one


def rule(a: str, b: str, **kw: bool) -> str | None:
    hit = fires(a, b, **kw)
    return hit.rule if hit else None


# ---- numbers ------------------------------------------------------------------------------


def test_numbers_conflict_about_the_same_event() -> None:
    a = "Flooding in the Tarn delta killed 17 people on Friday, the coast guard said."
    b = "Flooding in the Tarn delta killed 71 people on Friday."
    hit = fires(a, b)
    assert hit is not None and hit.rule == "numbers" and "17" in hit.detail
    assert (
        rule(
            "Turnout in the referendum was 48 percent.", "Turnout in the referendum was 71 percent."
        )
        == "numbers"
    )
    assert (
        rule(
            "The council approved a budget of $8 million for the new library.",
            "The council approved a budget of $80 million for the new library.",
        )
        == "numbers"
    )


def test_numbers_use_the_hedge_of_each_figure() -> None:
    """Issue 15: a figure's qualifier decides (evidence sentence vs claim, as verdicts do)."""
    killed = "{} people were killed in the floods in the Tarn delta."
    assert rule(killed.format("At least 40"), killed.format("52")) is None
    assert rule(killed.format("More than 300"), killed.format("80")) == "numbers"
    returned = "{} families returned to Kessa after the ceasefire."
    assert rule(returned.format("Just 15"), returned.format("40")) == "numbers"
    assert rule(returned.format("Nearly 40"), returned.format("38")) is None
    assert rule(returned.format("Nearly 40"), returned.format("25")) == "numbers"
    assert rule(returned.format("Some 9,000"), returned.format("About 8,500")) is None
    hurt = "{} people were injured in the blast at the fuel depot."
    assert rule(hurt.format("Dozens of"), hurt.format("Twelve")) == "numbers"
    assert rule(hurt.format("Hundreds of"), hurt.format("250")) is None
    # Written numbers and ranges the small entity model mislabels still compare.
    burnt = "{} houses were destroyed by the fire in Dunmore."
    assert rule(burnt.format("Between 30 and 40"), burnt.format("35")) is None
    assert rule(burnt.format("Between 30 and 40"), burnt.format("Sixty")) == "numbers"
    march = "{} people marched through the capital on Sunday."
    assert rule(march.format("Tens of thousands of"), march.format("40,000")) is None
    # "one of the" picks a member out: it is not a count of one.
    assert rule("One of the victims was a child.", "Two of the victims were children.") is None


def test_verdict_judgement_reads_the_hedge() -> None:
    """The verdicts' judge: a hedged claim is refuted only by evidence outside its range."""
    from framelens.nlp.nli import judge, load_nli, statements

    evidence = "Emergency services said 52 people were killed in the floods in the Tarn delta."
    claims = [
        "At least 40 people were killed in the floods in the Tarn delta.",
        "Just 15 people were killed in the floods in the Tarn delta.",
    ]
    stmts = statements([evidence, *claims])
    out = judge(load_nli(), [(stmts[0], stmts[1]), (stmts[0], stmts[2])])
    assert out[0].reason.startswith("model:")  # no rule refutes "at least 40" with 52
    assert out[1].label == "contradiction" and out[1].reason == "rule:numbers"


def test_numbers_in_partitives() -> None:
    # "four of its staff" counts staff, as "four staff" would.
    assert (
        rule(
            "Four of its staff were killed in the strike on Tuesday.",
            "Six of its staff were killed in the strike on Tuesday.",
        )
        == "numbers"
    )
    # The total of a partitive is not the part: four of six hospitals are four hospitals.
    assert (
        rule(
            "Four of the six hospitals in Dervan were hit on Monday.",
            "Four hospitals in Dervan were hit on Monday.",
        )
        is None
    )
    assert (
        rule(
            "Four of the six hospitals in Dervan were hit on Monday.",
            "Four of the nine hospitals in Dervan were hit on Monday.",
        )
        == "numbers"
    )


def test_numbers_that_can_both_hold_do_not_fire() -> None:
    # Qualifiers and rounding.
    assert (
        rule("More than 15 people were killed in the blast.", "The blast killed 17 people.") is None
    )
    assert (
        rule("About 2,000 workers joined the strike.", "Some 2,100 workers joined the strike.")
        is None
    )
    # Another place, another counted thing, an update.
    assert (
        rule(
            "Flooding killed 17 people in the Tarn delta.",
            "Flooding killed 40 people in the Ostra valley.",
        )
        is None
    )
    assert (
        rule("Exports fell by 8 percent last year.", "Imports fell by 3 percent last year.") is None
    )
    assert (
        rule(
            "The storm killed 12 people on its first day.",
            "By Thursday the death toll from the storm had risen to 31.",
        )
        is None
    )
    assert (
        rule("Police detained 14 protesters.", "Police detained 14 protesters and 3 journalists.")
        is None
    )


# ---- dates --------------------------------------------------------------------------------


def test_dates_conflict_about_the_same_event() -> None:
    assert (
        rule(
            "The trial of the former governor opened on Wednesday.",
            "The trial of the former governor opened on Monday.",
        )
        == "dates"
    )
    assert (
        rule(
            "The bridge over the Amsel opened in 2019.", "The bridge over the Amsel opened in 2023."
        )
        == "dates"
    )
    assert (
        rule(
            "Voters in Lundgate will elect a mayor on 12 May.",
            "Voters in Lundgate will elect a mayor on 26 May.",
        )
        == "dates"
    )


def test_a_statement_that_adds_a_date_does_not_contradict() -> None:
    assert (
        rule(
            "Three ministers resigned on Friday.",
            "Three ministers resigned on Friday and two more on Monday.",
        )
        is None
    )
    assert (
        rule(
            "Three ministers resigned on Friday.",
            "Three ministers resigned on Monday and two more on Tuesday.",
        )
        == "dates"
    )


def test_dates_at_other_precision_or_of_other_events_do_not_fire() -> None:
    assert (
        rule("The election was held on Sunday, March 3.", "The election was held in March.") is None
    )
    assert (
        rule(
            "The election was held on Sunday, March 3.",
            "The results of the election were announced on March 5.",
        )
        is None
    )
    assert (
        rule(
            "Governor Amal Reyes signed the water order on Monday.",
            "Governor Amal Reyes signed a decree on school funding on Friday.",
        )
        is None
    )


# ---- negation -----------------------------------------------------------------------------


def test_negation_of_the_same_event() -> None:
    assert (
        rule(
            "The ministry approved the drilling licence.",
            "The ministry did not approve the drilling licence.",
        )
        == "negation"
    )
    assert (
        rule(
            "The mayor refused to sign the building permit.",
            "The mayor signed the building permit.",
        )
        == "negation"
    )
    assert (
        rule(
            "Nobody was arrested after the clashes.", "Police arrested four men after the clashes."
        )
        == "negation"
    )
    assert (
        rule(
            "No civilians were hurt in the explosion.",
            "Several civilians were hurt in the explosion.",
        )
        == "negation"
    )


def test_negation_scope() -> None:
    assert rule("The factory is not open.", "The factory is open.") == "negation"  # copula
    # A negated modifier, a fragment, a negated reason: no negated event.
    assert (
        rule(
            "A man with no hat is sitting on the bench.",
            "A man with a red hat is sitting on the bench.",
        )
        is None
    )
    assert (
        rule("The union chose to work with the ministry on wages.", "Not with the ministry.")
        is None
    )
    assert (
        rule(
            "The activist was not detained because of the new protest law.",
            "The activist was detained after the protest.",
        )
        is None
    )


def test_negation_guards() -> None:
    # "unchanged" is "not changed": both sides negate, no contradiction.
    assert (
        rule(
            "The bank left its interest rate unchanged.",
            "The bank did not change its interest rate.",
        )
        is None
    )
    # "voted against" ~ "did not vote for".
    assert (
        rule(
            "Senator Kaya Bright voted against the bill.", "Kaya Bright did not vote for the bill."
        )
        is None
    )
    # Different modality: a possibility does not contradict a fact.
    assert (
        rule("The opposition might boycott the vote.", "The opposition did not boycott the vote.")
        is None
    )
    # Different event.
    assert (
        rule(
            "The minister attended the summit.", "The minister did not attend the press conference."
        )
        is None
    )


# ---- antonyms ------------------------------------------------------------------------------


def test_antonyms() -> None:
    assert rule("Wheat exports rose in June.", "Wheat exports fell in June.") == "antonym"
    assert (
        rule("The jury found the defendant guilty.", "The jury found the defendant innocent.")
        == "antonym"
    )
    assert (
        rule("The senate approved the mining law.", "The senate rejected the mining law.")
        == "antonym"
    )
    # Another subject, another time, or opposite words under opposite negation.
    assert rule("Wheat exports rose in June.", "Rice exports fell in June.") is None
    assert (
        rule(
            "The border crossing was reopened on Thursday.",
            "The border crossing will be closed again next week.",
        )
        is None
    )
    assert rule("Wheat exports did not rise in June.", "Wheat exports fell in June.") is None


# ---- role reversal ----------------------------------------------------------------------------


def test_role_reversal() -> None:
    assert (
        rule(
            "The Harbour Workers Union supports the port authority's expansion plan.",
            "The Harbour Workers Union opposes the port authority's expansion plan.",
        )
        == "role-reversal"
    )
    assert (
        rule(
            "The Farmers League is collaborating with the agriculture ministry on irrigation.",
            "The Farmers League is fighting the agriculture ministry over irrigation.",
        )
        == "role-reversal"
    )
    assert (
        rule(
            "Lindor is an ally of the Brevan government.",
            "Lindor is an enemy of the Brevan government.",
        )
        == "role-reversal"
    )


def test_role_reversal_needs_the_same_actors() -> None:
    assert (
        rule(
            "The Harbour Workers Union supports the expansion plan.",
            "The Nurses Union opposes the expansion plan.",
        )
        is None
    )
    assert (
        rule(
            "The Farmers League is working with the agriculture ministry on irrigation.",
            "The Farmers League opposes the ministry's new fuel tax.",
        )
        is None
    )


def test_rules_treat_both_sides_of_a_conflict_alike() -> None:
    """The same sentences with the two sides swapped give the same decisions."""
    sides = [("Government forces", "rebel fighters"), ("Rebel forces", "government soldiers")]
    results = []
    for us, them in sides:
        results.append(
            (
                rule(f"{us} killed 12 {them} in the raid.", f"{us} killed 40 {them} in the raid."),
                rule(f"{us} attacked the town.", f"{us} did not attack the town."),
                rule(f"{us} killed 12 {them} in the raid.", f"{us} killed 12 {them} in the raid."),
            )
        )
    assert results[0] == results[1] == ("numbers", "negation", None)
    pairs = [("Veloria", "Orvan"), ("Orvan", "Veloria")]
    flips = [
        rule(f"{x} backs {y} in the dispute.", f"{x} opposes {y} in the dispute.") for x, y in pairs
    ]
    assert flips == ["role-reversal", "role-reversal"]


# ---- attribution -----------------------------------------------------------------------------


def test_attribution_guards_in_strict_mode() -> None:
    army = "The army said 40 militants were killed in the raid on Varn."
    rebels = "The rebels said 12 militants were killed in the raid on Varn."
    assert rule(army, rebels) == "numbers"  # as evidence: the figures conflict
    assert rule(army, rebels, strict=True) is None  # inside an article: a reported disagreement
    # A disputed statement is never a contradiction.
    assert (
        rule("The army shelled the market.", "The army denied that it shelled the market.") is None
    )
    # Negation across an attributed and an unattributed statement: reported, not asserted.
    assert (
        rule(
            "The army shelled the market.",
            "The army said it did not shell the market.",
            strict=True,
        )
        is None
    )
    # The same source twice contradicting itself: fires.
    assert (
        rule(
            "Officials said 23 people were killed in the landslide.",
            "Officials said 32 people were killed in the landslide.",
            strict=True,
        )
        == "numbers"
    )


# ---- the bundled model --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["tuned", "frozen"])
def model(request: pytest.FixtureRequest) -> BundledNLI:
    nli = load_nli("", request.param)
    assert isinstance(nli, BundledNLI)
    return nli


#: Clear entailments the team wrote: a learned model may miss one ("tuned" reads the
#: guitar on stage as neutral, 0.58), not more.
ENTAILMENTS = [
    (
        "Police arrested the former mayor of Dunmore on charges of bribery.",
        "The former mayor of Dunmore was arrested.",
    ),
    ("A man is playing a guitar on stage.", "A man is playing an instrument."),
    (
        "The council approved the budget on Monday after a long debate.",
        "The council approved the budget.",
    ),
    (
        "Flood water reached the second floor of the school in Harrowgate.",
        "The school in Harrowgate was flooded.",
    ),
    ("The striker scored twice in the final minutes of the match.", "The striker scored."),
    ("A woman is slicing an onion in the kitchen.", "A woman is cutting an onion."),
    ("Three ministers resigned from the cabinet on Friday.", "Ministers resigned."),
]


def test_bundled_model_probabilities(model: BundledNLI) -> None:
    pairs_text = [
        ("The ferry sank near Port Aster on Tuesday.", "The ferry did not sink."),
        (
            "The ferry sank near Port Aster on Tuesday.",
            "The ferry company will raise its prices next year.",
        ),
        ("A woman is slicing an onion.", "Nobody is slicing an onion."),
        *ENTAILMENTS,
    ]
    texts = [t for p in pairs_text for t in p]
    st = statements(texts)
    pairs = [(st[2 * i], st[2 * i + 1]) for i in range(len(pairs_text))]
    probs = model.predict(pairs)
    assert probs.shape == (len(pairs), 3) and np.allclose(probs.sum(axis=1), 1.0)
    labels = [LABELS[k] for k in probs.argmax(axis=1)]
    assert labels[1] == "neutral"
    assert probs[0][2] > probs[0][0] and probs[2][2] > 0.5
    assert labels[3:].count("entailment") >= len(ENTAILMENTS) - 1, labels[3:]
    judged = judge(model, pairs)
    assert judged[0].label == "contradiction" and judged[0].reason.startswith("rule:negation")
    assert judged[1].reason.startswith("model:nli-minilm")
    assert all(0.0 <= j.score <= 1.0 for j in judged)


def test_bundled_model_files_are_small_and_match_the_features() -> None:
    folder = Path(__file__).resolve().parents[1] / "src" / "framelens" / "resources" / "nli"
    meta = json.loads((folder / "model.json").read_text())
    assert tuple(meta["features"]) == FEATURE_NAMES and sorted(meta["labels"]) == sorted(LABELS)
    assert (folder / "model.npz").stat().st_size < 5_000_000
    assert (folder / "MODEL_CARD.md").is_file()
    # A copy of the folder loads through the nli_model setting (the local-folder path).
    assert isinstance(load_nli(str(folder)), BundledNLI)


def test_news_nli_set_is_balanced_and_scored_above_floor() -> None:
    rows = [json.loads(x) for x in (DATA / "news_nli.jsonl").read_text().splitlines()]
    assert len(rows) >= 60
    counts = {lab: sum(r["label"] == lab for r in rows) for lab in LABELS}
    assert min(counts.values()) >= 20
    result = run_eval(
        "nli", EvalRequest(data=DATA, split="news", settings=load_settings(config_file=None))
    )
    assert result["pairs"] == len(rows)
    # Floors a little under what the shipped model measures (resources/nli/MODEL_CARD.md).
    assert result["accuracy"] >= 0.6 and result["f1m"] >= 0.6
    assert result["rules"]["precision"] >= 0.9


@pytest.mark.slow
def test_sick_eval_on_a_slice() -> None:
    root = find_datasets_dir()
    if root is None:
        pytest.skip("the shared datasets folder is not available")
    result = run_eval(
        "nli",
        EvalRequest(
            data=root / "nli", split="trial", settings=load_settings(config_file=None), limit=150
        ),
    )
    assert result["pairs"] == 150 and result["accuracy"] >= 0.7
    assert set(result) >= {"accuracy", "f1m", "model_only", "rules"}


# ---- stronger models from a path or hub id -----------------------------------------------------


def test_label_order_reads_id2label() -> None:
    assert _label_order({0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"}, "x") == [1, 2, 0]
    assert _label_order({"0": "entailment", "1": "neutral", "2": "contradiction"}, "x") == [0, 1, 2]
    # No names: the sentence-transformers NLI cross-encoders' order.
    assert _label_order({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, "x") == [1, 2, 0]
    with pytest.raises(ModelError):
        _label_order({0: "positive", 1: "negative", 2: "other"}, "x")


def test_missing_cross_encoder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_nli.__wrapped__(str(tmp_path / "no-such-model"))
    assert err.value.fix


def test_cross_encoder_from_a_local_folder(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="cross-encoders need the torch extra (not installed)")
    pytest.importorskip("sentence_transformers", reason="needs sentence-transformers")
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from framelens.nlp.nli import CrossEncoderNLI

    tok_file = Path(__file__).resolve().parents[1] / "src/framelens/resources/minilm/tokenizer.json"
    tokenizer = BertTokenizerFast(tokenizer_file=str(tok_file))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=32, num_labels=3,
        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
        label2id={"contradiction": 0, "entailment": 1, "neutral": 2},
    )  # fmt: skip
    folder = tmp_path / "tiny-nli"
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    nli = load_nli.__wrapped__(str(folder))
    assert isinstance(nli, CrossEncoderNLI) and nli.order == [1, 2, 0]
    st = statements(["The ferry sank.", "The ferry did not sink."])
    probs = nli.predict([(st[0], st[1]), (st[1], st[0])])
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1.0)
    assert judge(nli, [(st[0], st[1])])[0].reason == "rule:negation"
