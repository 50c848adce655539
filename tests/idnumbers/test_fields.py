"""The CCCD/CMND form fields: typed numbers cleaned to digits, the CMND format checked once."""

import pytest
from django import forms

from idnumbers.fields import CccdNumberField, CmndNumberField, allow_typed_numbers


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("164.438.056", "164438056"),
        ("０３７１９０６１２３４５", "037190612345"),
        ("037190612345\n", "037190612345"),
        ("", ""),
    ],
    ids=["cmnd-dots", "full-width", "trailing-newline", "empty"],
)
def test_cmnd_field_cleans_what_people_type_to_digits(typed, cleaned):
    assert CmndNumberField(required=False).clean(typed) == cleaned


@pytest.mark.parametrize(
    "typed", ["٠٣٧١٩٠٦١٢", "۰۳۷۱۹۰۶۱۲۳۴۵", "16443805", "0371906123456", "16443805x"]
)
def test_cmnd_field_refuses_anything_but_9_or_12_ascii_digits(typed):
    with pytest.raises(forms.ValidationError) as error:
        CmndNumberField(required=False).clean(typed)
    assert error.value.code == "invalid_cmnd"
    assert error.value.messages == ["Số CMND gồm 9 hoặc 12 chữ số."]


def test_cccd_field_only_normalises_its_parts_are_checked_with_the_birth_date():
    field = CccdNumberField(required=False)
    assert field.clean(" ００１ 190.012.345 ") == "001190012345"
    assert field.clean("٠٠١") == "٠٠١"


def test_the_length_limit_applies_to_what_was_typed():
    with pytest.raises(forms.ValidationError) as error:
        CmndNumberField().clean("1 6 4 4 3 8 0 5 6 . . . . . . . . .")
    assert [e.code for e in error.value.error_list] == ["max_length"]


def test_allow_typed_numbers_swaps_a_forms_number_fields_keeping_label_and_required():
    class Form(forms.Form):
        cccd_number = forms.CharField(label="Số CCCD", max_length=12)
        cmnd_number = forms.CharField(label="Số CMND", max_length=12, required=False)

    form = Form(data={"cccd_number": "００１１９００１２３４５", "cmnd_number": "٠٣٧١٩٠٦١٢"})
    allow_typed_numbers(form)
    assert isinstance(form.fields["cccd_number"], CccdNumberField)
    assert form.fields["cmnd_number"].label == "Số CMND"
    assert form.fields["cmnd_number"].required is False
    assert not form.is_valid()
    assert form.cleaned_data["cccd_number"] == "001190012345"
    assert form.errors["cmnd_number"] == ["Số CMND gồm 9 hoặc 12 chữ số."]
