"""proposals-svc: editions, their areas, schedules and rules, proposals from draft to verdict, appeals, lists, the
ballot's freezing, and what became of the winners. Its requests as functions (the package says how they are called)."""

from __future__ import annotations

from ._service import Service, segment

_service = Service("proposals")


def audit(**options):
    return _service.get("/audit", **options)


def departments(**options):
    return _service.get("/departments", **options)


def department_proposals(department_code, **options):
    return _service.get(f"/departments/{segment(department_code)}/proposals", **options)


def create_edition(**options):
    return _service.send("POST", "/editions", **options)


def editions(**options):
    return _service.get("/editions", **options)


def check_voting_rules(**options):
    return _service.send("POST", "/editions/rules-check", **options)


def rules_vocabulary(**options):
    return _service.get("/editions/rules-vocabulary", **options)


def edition(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}", **options)


def area_outlines(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/area-outlines", **options)


def replace_area_outlines(edition_id, **options):
    return _service.send("PUT", f"/editions/{segment(edition_id)}/area-outlines", **options)


def add_area(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/areas", **options)


def areas(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/areas", **options)


def import_pabulib_area(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/areas/pabulib", **options)


def freeze_ballot(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/ballot", **options)


def conflicts(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/conflicts", **options)


def check_conflicts(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/conflicts/check", **options)


def resolve_conflict(edition_id, conflict_id, **options):
    return _service.send(
        "POST", f"/editions/{segment(edition_id)}/conflicts/{segment(conflict_id)}/resolution", **options)


def lists(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/lists", **options)


def publish_lists(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/lists", **options)


def change_phase(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/phase", **options)


def proposals(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/proposals", **options)


def start_proposal(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/proposals", **options)


def my_proposals(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/proposals/mine", **options)


def change_schedule(edition_id, **options):
    return _service.send("PUT", f"/editions/{segment(edition_id)}/schedule", **options)


def schedule(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/schedule", **options)


def extend_voting(edition_id, **options):
    return _service.send("POST", f"/editions/{segment(edition_id)}/voting-extensions", **options)


def set_voting_rules(edition_id, **options):
    return _service.send("PUT", f"/editions/{segment(edition_id)}/voting-rules", **options)


def voting_rules(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/voting-rules", **options)


def work_waiting(edition_id, **options):
    return _service.get(f"/editions/{segment(edition_id)}/work", **options)


def implementations(**options):
    return _service.get("/implementations", **options)


def implementation(implementation_id, **options):
    return _service.get(f"/implementations/{segment(implementation_id)}", **options)


def assign_implementation(implementation_id, **options):
    return _service.send("POST", f"/implementations/{segment(implementation_id)}/assignment", **options)


def report_implementation_progress(implementation_id, **options):
    return _service.send("POST", f"/implementations/{segment(implementation_id)}/updates", **options)


def change_proposal(proposal_id, **options):
    return _service.send("PATCH", f"/proposals/{segment(proposal_id)}", **options)


def proposal(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}", **options)


def appeal(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/appeals", **options)


def appeals(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/appeals", **options)


def decide_appeal(proposal_id, appeal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/appeals/{segment(appeal_id)}/decision", **options)


def assign_proposal(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/assignment", **options)


def attach(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/attachments", **options)


def attachments(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/attachments", **options)


def change_requests(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/change-requests", **options)


def request_changes(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/change-requests", **options)


def answer_change_request(proposal_id, request_id, **options):
    return _service.send(
        "POST", f"/proposals/{segment(proposal_id)}/change-requests/{segment(request_id)}/response", **options)


def verify_formally(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/formal-verification", **options)


def review(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/reviews", **options)


def reviews(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/reviews", **options)


def score(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/scoring", **options)


def submit(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/submission", **options)


def support(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/support", **options)


def support_proposal(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/support", **options)


def propose_terms(proposal_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/terms", **options)


def terms(proposal_id, **options):
    return _service.get(f"/proposals/{segment(proposal_id)}/terms", **options)


def answer_terms(proposal_id, terms_id, **options):
    return _service.send("POST", f"/proposals/{segment(proposal_id)}/terms/{segment(terms_id)}/response", **options)
