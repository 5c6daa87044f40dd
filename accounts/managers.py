from django.contrib.auth.base_user import BaseUserManager
from django.utils import timezone


class UserManager(BaseUserManager):
    """Manager for the email-login user model (no username field).

    ``create_user`` and ``create_superuser`` are the operators' and importers' doors (createsuperuser,
    load_demo, import_craigslistbargain): their accounts count as verified unless ``email_verified_at``
    is given. Sign-up on the site goes through ``accounts.services.user_signup`` instead, which leaves the
    address unverified until its owner opens the confirmation link.
    """

    use_in_migrations = True

    def get_by_natural_key(self, username):
        """Find the user for a login regardless of the email's letter case (emails are stored lowercased)."""
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        extra_fields.setdefault("email_verified_at", timezone.now())
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)
