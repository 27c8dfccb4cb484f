from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "lantern.training"
    label = "training"
    verbose_name = "Training and quality review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lantern.routing import eligibility
        from lantern.training import gate

        # routing sits below training: it asks, through its port, who may take a queue's
        # contacts; training answers with the courses the queue requires (docs/training.md)
        eligibility.register(gate.barred)
