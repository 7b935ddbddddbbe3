from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel: model bases, roles and tokens, the API's shared pieces, project-wide commands.

    Its label is "chancery", the name the kernel had when it lived in the project package:
    its tables (chancery_apitoken, chancery_idempotencykey), its recorded migrations and
    KNOX_TOKEN_MODEL ("chancery.ApiToken") stay as they were in existing databases.
    """

    name = "core"
    label = "chancery"
    verbose_name = "Chancery"

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from core.converters import RecordIdConverter

        # Before any URL conf is read: ids in paths are <id:pk>, bounded to 64 bits.
        register_converter(RecordIdConverter, "id")

        from core.roles import sync_role_groups

        # After every migrate (a new database, a test database, a new model's permissions),
        # make sure the role groups exist and carry the permissions they should.
        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="chancery.sync_role_groups")

        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from knox.models import get_token_model

        from core.api.auth import forget_token, forget_tokens_of_changed_rights, forget_user_tokens
        from core.roles import forget_permissions

        # A change of rights reaches the cached permissions, and the API's cached tokens, at once.
        user_model = get_user_model()
        for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
            label = through._meta.label
            m2m_changed.connect(forget_permissions, sender=through, dispatch_uid=f"chancery.forget_permissions.{label}")
            m2m_changed.connect(
                forget_tokens_of_changed_rights, sender=through, dispatch_uid=f"chancery.forget_tokens.{label}"
            )

        # A token's user, rights and revocation reach the API's token cache at once.

        post_save.connect(forget_user_tokens, sender=user_model, dispatch_uid="chancery.forget_user_tokens.save")
        post_delete.connect(forget_user_tokens, sender=user_model, dispatch_uid="chancery.forget_user_tokens.delete")
        post_delete.connect(forget_token, sender=get_token_model(), dispatch_uid="chancery.forget_token")
