from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "News intake"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from directory.models import Country, Person, PersonAlias, Position
        from intake.directory_names import directory_changed

        for model in (Country, Person, PersonAlias, Position):
            post_save.connect(directory_changed, sender=model, dispatch_uid=f"intake-names-{model.__name__}-save")
            post_delete.connect(directory_changed, sender=model, dispatch_uid=f"intake-names-{model.__name__}-delete")
