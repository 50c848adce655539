from django import forms

from citizen_registry.models import FaultInjection


class FaultForm(forms.Form):
    """Switch one simulated system (the registry or VNeID) into a fault mode."""

    # Both systems use the same mode values: none, latency, error, outage.
    mode = forms.ChoiceField(label="Tình trạng", choices=FaultInjection.Mode.choices)
    latency_ms = forms.IntegerField(
        label="Độ trễ thêm (ms)", min_value=0, max_value=60_000, initial=0, required=False
    )
