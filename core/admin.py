from django import forms
from django.contrib import admin, messages

from core.accounts import AdminLoginForm
from core.models import ApiToken

admin.site.login_form = AdminLoginForm


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issue tokens (the plain token is shown once, in the message) and revoke them (delete)."""

    form = ApiTokenForm
    list_display = ["name", "user", "token_key", "created", "expiry"]
    list_filter = ["user"]
    search_fields = ["name", "user__username", "token_key"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        instance, token = ApiToken.objects.create(user=form.cleaned_data["user"], name=form.cleaned_data["name"])
        obj.pk = instance.pk
        messages.success(
            request, f"Token for {instance.user}: {token} — copy it now; it is stored hashed and not shown again."
        )
