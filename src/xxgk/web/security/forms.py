"""The sign-in form with the login throttle: a locked-out sign-in is refused before the password is checked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User

from xxgk.web.portal.throttle import client_ip
from xxgk.web.security.selectors import login_lockout
from xxgk.web.security.services import login_failure_record, login_success_record
from xxgk.web.security.throttle import Lockout

LOCKED_CODE = "locked"


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, counting failures per (user name, address) and per address (see
    :mod:`xxgk.web.security.throttle`). ``lockout`` is set when the sign-in was refused for that reason."""

    lockout: Lockout | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        address = client_ip(self.request) if self.request is not None else "unknown"
        self.lockout = login_lockout(username=username, address=address)
        if self.lockout is not None:
            raise forms.ValidationError(self.lockout.message, code=LOCKED_CODE)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            self.lockout = login_failure_record(username=username, address=address, user=_account(username))
            if self.lockout is not None:
                raise forms.ValidationError(self.lockout.message, code=LOCKED_CODE)
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        assert isinstance(self.user_cache, User)
        login_success_record(user=self.user_cache, username=username, address=address)
        return self.cleaned_data


def _account(username: str) -> User | None:
    model = get_user_model()
    found = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    return found if isinstance(found, User) else None
