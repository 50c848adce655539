from django import forms

from fault_switch.switch import Mode


class FaultForm(forms.Form):
    """Switch one simulated system (the registry or VNeID) into a fault mode."""

    mode = forms.ChoiceField(label="Tình trạng", choices=Mode.choices)
    latency_ms = forms.IntegerField(
        label="Độ trễ thêm (ms)", min_value=0, max_value=60_000, initial=0, required=False
    )
