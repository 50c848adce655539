"""Send logged-in accounts without a CCCD to the CCCD screen (guide step 2)."""


def cccd_not_required(view_func):
    """Mark a view as reachable by an account that has not linked its CCCD."""
    view_func.cccd_not_required = True
    return view_func


class CccdRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
