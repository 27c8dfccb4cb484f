from lantern.accounts import rules
from lantern.cases.choices import ReferralStatusChoices
from lantern.training import queries as training_queries


def console(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    takes_contacts = rules.allows(user, "take_contact")
    return {
        "referral_statuses": ReferralStatusChoices.choices,
        # the reviews of one's contacts not read yet, counted in the menu
        "unread_reviews": training_queries.unacknowledged_count(user) if takes_contacts else 0,
        "can": {
            action: rules.allows(user, action)
            for action in (
                "create_contact",
                "view_contact",
                "take_contact",
                "view_audit",
                "manage_users",
                "view_directory",
                "manage_directory",
                "give_referral",
                "view_routing_board",
                "view_protocols",
                "view_case",
                "create_case",
                "manage_routing",
                "draft_report",
                "merge_cases",
                "view_stats",
                "prepare_stats",
                "reset_second_factor",
                "manage_assistance",
                "create_assistance_request",
                "review_quality",
                "view_quality_summary",
            )
        },
    }
