import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from ads.models import Ad, Category

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("first_name")
    # Someone who has logged in before (unread emails go only to such users); importers leave it None.
    last_login = factory.LazyFunction(timezone.now)
    # Confirmed the address, as every account made before sign-up asked to; unverified ones pass None.
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "Furniture"
    slug = "furniture"


class AdFactory(DjangoModelFactory):
    class Meta:
        model = Ad

    owner = factory.SubFactory(UserFactory)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Faker("sentence", nb_words=3)
    description = factory.Faker("paragraph")
    price = factory.Faker("pydecimal", left_digits=4, right_digits=2, positive=True)
    city = "Oakland"
