from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import login_throttle, selectors, services
from accounts.forms import LoginForm, ProfileForm, PushSubscriptionForm, SignupForm
from accounts.middleware import mark_away
from accounts.signup import password_reset_guarded, signup_guarded
from accounts.tokens import email_verification_read, user_id_from_unsubscribe_token
from marketplace import unsubscribe as unsubscribe_page
from marketplace.api import load_json_object
from marketplace.http import safe_next_url
from marketplace.ratelimits import (
    RateLimited,
    check_rate_limit,
    rate_limit_count,
    wait_text,
    with_retry_after,
)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up, then "Check your email" (the same redirect whether or not the address already has an
    account: ``services.user_signup`` mails either a confirmation link or a note to log in instead).

    ``?next=`` (a local URL) is carried into the emails' links. Over the ``signup_by_ip`` limit the form
    comes back with the wait (429 with Retry-After); over ``signup_email_by_address`` the answer is the
    same as ever and no email is sent.
    """
    if request.user.is_authenticated:
        return redirect("ads:list")
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    form = SignupForm(request.POST or None)
    limited = None
    if request.method == "POST" and form.is_valid():
        language = translation.get_language() or ""
        outcome = signup_guarded(
            request, cleaned=form.cleaned_data, language=language, next_url=next_url or ""
        )
        if outcome.ok:
            return redirect("accounts:signup_done")
        limited = outcome.limited
        form.add_error(None, outcome.refusal)
    status = 400 if request.method == "POST" else 200
    response = render(request, "accounts/signup.html", {"form": form, "next": next_url}, status=status)
    return with_retry_after(response, limited)


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    """ "Check your email", after every sign-up."""
    return render(request, "accounts/signup_done.html")


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: GET shows a "Confirm" button (mail scanners open links, and a
    scanner must not confirm an address nobody read), POST verifies the address.

    A link that is expired, forged, for an address changed since, or already used gives a page that says
    so (status 400 for the broken ones, never a 500), with the way on: log in, or mail a new link.
    """
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    context = {"next": next_url, "state": "confirm"}
    try:
        user_id, email = email_verification_read(
            token, max_age_s=settings.MARKETPLACE_EMAIL_VERIFICATION_TTL_S
        )
    except signing.SignatureExpired:
        return render(request, "accounts/email_confirm.html", {**context, "state": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "accounts/email_confirm.html", {**context, "state": "invalid"}, status=400)
    if request.method == "POST":
        found = services.user_email_verify(user_id=user_id, email=email) is not None
        context["state"] = "done"
    else:
        verified = selectors.user_email_verified(user_id=user_id, email=email)
        found = verified is not None
        context["state"] = "done" if verified else "confirm"
    if not found:
        return render(request, "accounts/email_confirm.html", {**context, "state": "invalid"}, status=400)
    return render(request, "accounts/email_confirm.html", context)


@login_required
@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    """ "Resend confirmation email" (the banner of an unverified account, and refusals to send): mail a
    new link, then back to ``next`` (a local URL) or the profile page. Rate limited per user."""
    next_url = safe_next_url(request, request.POST.get("next")) or ""
    try:
        check_rate_limit(request, "verification_email_by_user")
    except RateLimited as limited:
        messages.error(request, limited.message)
        return redirect(next_url or "accounts:profile")
    if services.user_verification_send(user=request.user, next_url=next_url):
        messages.success(
            request, _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email}
        )
    return redirect(next_url or "accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and change the logged-in user's display name and avatar."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "display_name": user.display_name,
            "share_read_receipts": user.share_read_receipts,
            "share_last_seen": user.share_last_seen,
            "email_unread_messages": user.email_unread_messages,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                avatar=form.cleaned_data.get("avatar"),
                share_read_receipts=form.cleaned_data["share_read_receipts"],
                share_last_seen=form.cleaned_data["share_last_seen"],
                email_unread_messages=form.cleaned_data["email_unread_messages"],
            )
        except ValidationError as error:
            form.add_error("avatar", error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("accounts:profile")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "push_subscriptions": selectors.push_subscriptions_for(user=user),
        "api_tokens": list(selectors.api_tokens_for_user(user=user)),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Sign an app on one device out (revoke its API token) from the profile page."""
    if services.api_token_revoke(user=request.user, public_id=public_id):
        messages.success(request, _("That device is signed out."))
    return redirect("accounts:profile")


@require_POST
def presence_away(request: HttpRequest) -> HttpResponse:
    """The page's ``pagehide`` beacon (``navigator.sendBeacon`` with the CSRF token in the form body):
    the user closed the site, so they stop showing "online" (``middleware.mark_away``, at most once a
    minute). Always 204; anonymous requests change nothing."""
    if request.user.is_authenticated:
        mark_away(request)
    return HttpResponse(status=204)


@login_required
@require_GET
def blocked_users(request: HttpRequest) -> HttpResponse:
    """List the users the logged-in user blocked, newest first, each with an Unblock button."""
    blocks = selectors.blocks_made_by(user=request.user)
    return render(request, "accounts/blocked.html", {"blocks": blocks})


@login_required
@require_POST
def unblock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift the logged-in user's block on *user_id*; back to ``next`` (same site only) or the list."""
    if services.user_unblock(blocker=request.user, blocked_id=user_id):
        messages.success(request, _("Unblocked. You can write to each other again."))
    return redirect(safe_next_url(request, request.POST.get("next")) or "accounts:blocked")


ACCOUNT_LIMITED = _(
    "Too many wrong passwords for this account. Try again in %(wait)s, log in from a device you have "
    "used before, or reset your password."
)


class LoginView(auth_views.LoginView):
    """Django's login view with the ``login_by_ip`` rate limit on attempts (POSTs) and the per-account
    limit on failed passwords that a known device is not held by (policy in ``accounts.login_throttle``).

    Over the limit, the form comes back with the typed email and the wait time, status 429 with
    Retry-After, and the password is not checked at all.
    """

    redirect_authenticated_user = True
    form_class = LoginForm

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:254]
        known_device = login_throttle.is_known_device(request, username)
        try:
            check_rate_limit(request, "login_by_ip", key="ip")
            if not known_device:
                check_rate_limit(
                    request, "login_failures_by_account", key=login_throttle.ratelimit_key, increment=False
                )
        except RateLimited as limited:
            # An unbound form keeps the typed email without validating (which would check the password).
            form = self.form_class(request, initial={"username": username})
            message = (
                limited.message
                if limited.rule == "login_by_ip"
                else ACCOUNT_LIMITED % {"wait": wait_text(limited.retry_after_s)}
            )
            context = self.get_context_data(form=form, rate_limit_error=message)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(limited.retry_after_s)
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            login_throttle.remember_device(request, response, username)
            _keep_language(response, request.user.language)
        elif not known_device:
            rate_limit_count(request, "login_failures_by_account", key=login_throttle.ratelimit_key)
        return response


def _keep_language(response: HttpResponse, language: str) -> None:
    """Set the language cookie to *language* (a code, or "" for none chosen yet)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.SESSION_COOKIE_SECURE,
        )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language switcher: Django's ``set_language`` (POST ``language``, a code in
    settings.LANGUAGES, and ``next``, a local URL; it sets the language cookie and redirects), and for a
    logged-in person the choice is kept on their profile for emails and push notifications. An unknown
    code changes nothing and redirects the same way."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop unread-messages emails from the link in one (no login needed: the token is signed).

    GET shows a confirmation button; POST, from that button or a mail client's RFC 8058 one-click
    request, turns the emails off (``marketplace.unsubscribe``). A forged token answers 404.
    """
    user_id = user_id_from_unsubscribe_token(token)
    return unsubscribe_page.respond(
        request,
        stop=lambda: services.user_unsubscribe_unread_emails(user_id=user_id),
        template="accounts/unsubscribe.html",
    )


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store this device's Web Push subscription (JSON body ``{"endpoint": …, "keys": {"p256dh": …,
    "auth": …}}``, the browser's ``PushSubscription.toJSON()``; CSRF token in the X-CSRFToken header).
    201 ``{"id": …}``; 400 ``{"code", "message"}`` (the API's error shape) for a body that is not such a
    subscription (``bad_subscription``) or an unsupported push service (the service's code)."""
    unreadable = JsonResponse(
        {"code": "bad_subscription", "message": _("The subscription could not be read.")}, status=400
    )
    # Checked before the body is read: for a form-encoded or multipart body the CSRF check has already
    # consumed the stream, and reading request.body would raise.
    if request.content_type != "application/json":
        return unreadable
    try:
        data = load_json_object(request.body or b"{}")
        keys = data.get("keys") or {}
        fields = {"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    except (ValueError, AttributeError):
        return unreadable
    form = PushSubscriptionForm(fields)
    if not form.is_valid():
        return unreadable
    try:
        subscription = services.push_subscription_save(
            user=request.user,
            device=device_label(request.headers.get("User-Agent", "")),
            **form.cleaned_data,
        )
    except ValidationError as error:
        return JsonResponse({"code": error.code, "message": error.messages[0]}, status=400)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def push_subscription_remove(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Remove one of the user's notification devices (profile page); 404 for anyone else's."""
    if not services.push_subscription_delete(user=request.user, subscription_id=subscription_id):
        raise Http404("No such device.")
    messages.success(request, _("That device no longer gets notifications."))
    return redirect("accounts:profile")


def device_label(user_agent: str) -> str:
    """Return a short name for the browser and system in *user_agent* ("Firefox on Android"), to tell
    devices apart on the profile page; "" when neither is recognised."""
    browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for mark, name in browsers if mark in user_agent), "")
    system = next((name for mark, name in systems if mark in user_agent), "")
    return " on ".join(part for part in (browser, system) if part)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "Forgot your password?" with its mail sent through the request gate
    (``accounts.signup.password_reset_guarded``: ``password_reset_by_ip``, 429 with the wait over it)."""

    def form_valid(self, form):
        outcome = password_reset_guarded(self.request, form=form)
        if not outcome.ok:
            form.add_error(None, outcome.refusal)
            return with_retry_after(self.form_invalid(form), outcome.limited)
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "Set a new password" from the emailed link, which also signs every app out
    (``services.api_tokens_revoke_all``), as the API's reset does."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.api_tokens_revoke_all(user=form.user)
        return response
