from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory: countries, people, organisations, sources"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from directory.filters import forget_known_codes
        from directory.models import Country

        post_save.connect(forget_known_codes, sender=Country, dispatch_uid="directory.forget_known_codes.save")
        post_delete.connect(forget_known_codes, sender=Country, dispatch_uid="directory.forget_known_codes.delete")
