"""The template view shows the fixed skeleton and the slot fillers the software used."""
from text_corpus_helpers import build_corpus
from workbench.text.families import NearDuplicateFamilies
from workbench.text.templates import family_template


def test_skeleton_marks_slots_and_lists_fillers():
    texts = ["the su7 brakes fail in beijing", "the yu7 brakes fail in shanghai", "the su7 brakes fail in wuhan",
             "the new ev brakes fail in beijing"]
    template = family_template(texts, weights=[5, 2, 1, 1])
    assert template.skeleton == "the ⟨1⟩ brakes fail in ⟨2⟩"
    assert template.slots[1][0] == ("su7", 6)
    assert {filler for filler, _ in template.slots[2]} == {"beijing", "shanghai", "wuhan"}


def test_planted_chinese_template_keeps_its_fixed_text():
    posts, _ = build_corpus(seed=3)
    model = NearDuplicateFamilies().fit(posts)
    skeletons = [model.template(family_id).skeleton for family_id in model.families_["family_id"].to_list()]
    assert any("官方一直在隐瞒真相,千万别买,转给身边的朋友看看" in s and "⟨1⟩" in s for s in skeletons)
    assert any(s.startswith("同样的价格买⟨1⟩不香吗?") for s in skeletons)
