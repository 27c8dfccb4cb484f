from django.db import models

from lantern.accounts import rules


class RestrictedQuerySet(models.QuerySet):
    """``Model.objects.restrict(user, action)``: only the rows the permission rules allow.

    Models using it name the fields the record conditions look at:
    ``rules_owner_field`` (a user foreign key) and ``rules_created_field`` (a datetime).
    """

    def restrict(self, user, action: str):
        q = rules.q_for(user, action, self.model)
        if q is None:
            return self.none()
        return self.filter(q) if q else self.all()
