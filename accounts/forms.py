from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(BaseUserCreationForm):
    """Sign-up with email, display name and a password checked by AUTH_PASSWORD_VALIDATORS; whether the
    address is taken is not checked (see ``validate_unique``)."""

    class Meta:
        model = User
        fields = ("email", "display_name")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }
        help_texts = {"display_name": _("Shown to the people you chat with.")}

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def validate_unique(self):
        # A taken address is not an error here: the page must not reveal which addresses have accounts.
        # accounts.services.user_signup mails the owner instead.
        pass

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name other people will see."), code="blank_name")
        return name


class PrivacySettingsForm(forms.Form):
    """The privacy and email preferences, one declaration for the profile page and the chat settings page."""

    share_read_receipts = forms.BooleanField(
        label=_("Send read receipts"),
        required=False,
        help_text=_("When off, nobody sees when you have read their messages, and you don't see theirs."),
    )
    share_last_seen = forms.BooleanField(
        label=_("Show when I was last online"),
        required=False,
        help_text=_("When off, nobody sees when you were last online, and you don't see theirs."),
    )
    email_unread_messages = forms.BooleanField(
        label=_("Email me about unread messages"),
        required=False,
        help_text=_("At most one email per batch, only when you haven't been on the site for a while."),
    )


class ProfileForm(PrivacySettingsForm):
    display_name = forms.CharField(label=_("Display name"), max_length=60)
    avatar = forms.ImageField(
        label=_("Avatar"), required=False, help_text=_("JPEG, PNG or WebP, up to 5 MB.")
    )
    field_order = ["display_name", "avatar"]  # then the privacy settings

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name other people will see."), code="blank_name")
        return name


class LoginForm(AuthenticationForm):
    """Django's login form, telling a suspended user (with the right password) why they can't log in."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            if username and password:
                user = User.objects.filter(email__iexact=username, suspended_at__isnull=False).first()
                if user is not None and user.check_password(password):
                    raise forms.ValidationError(
                        _("This account is suspended by our moderators; contact support if it's a mistake."),
                        code="suspended",
                    ) from None
            raise


class PushSubscriptionForm(forms.Form):
    """A browser's ``PushSubscription.toJSON()``: the endpoint and its two base64url keys."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.RegexField(regex=r"^[A-Za-z0-9_-]{80,100}=*$", max_length=200)
    auth = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,30}=*$", max_length=100)
