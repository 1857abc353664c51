# ruff: noqa: F811  (the fixture ww imported from work_world is a parameter of the tests)
"""The pages of the learner's work and the trainers' reviews: a knowledge check and its result,
the practice analysis in the sandbox, the review with its hidden first rating and calibration,
feedback and the feedback totals; who may open them; query counts flat as learners grow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from icommit.analysis.models import Perspective
from icommit.cases.models import Case
from icommit.instruments.engine import tr
from icommit.training import services
from icommit.training.models import (
    CheckAttempt,
    Review,
    Submission,
    SubmissionStatus,
    SurveyAnswer,
)
from tests.conftest import verified_client
from tests.training.work_world import (  # noqa: F401  (ww is a fixture)
    CHECK,
    PRACTICE,
    WorkWorld,
    analysis_answers,
    check_answers,
    rubric_answers,
    survey_answers,
    version,
    ww,
)


def _post_answers(answers: dict[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in answers.items()}


def _text(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


def _hand_in(ww: WorkWorld) -> None:
    with transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=analysis_answers(),
            submit=True,
        )


def _rate(ww: WorkWorld, who: object, decision: str, levels: object, comment: str = "") -> None:
    with transaction.atomic():
        services.review_record(
            actor=who,  # type: ignore[arg-type]  # a User
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            rubric_answers=rubric_answers(version("rubric-social-diagnostics").parsed, levels),  # type: ignore[arg-type]  # int or dict
            comment=comment,
            decision=decision,
        )


# --- knowledge checks ------------------------------------------------------------------------


def test_a_learner_takes_the_check_and_reads_which_questions_were_wrong(ww: WorkWorld) -> None:
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/checks/{CHECK}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "You pass with 75 of 100 points" in _text(page)
    definition = version(CHECK).parsed
    answers = check_answers(definition, 11)
    sent = client.post(url, _post_answers(answers))
    assert sent.status_code == 302
    result = client.get(url)
    text = _text(result)
    assert "Not passed" in text and "Your score: 68.8 of 100. The pass mark is 75." in text
    wrong = [i for i in definition.items() if i.scored][11:]
    assert len(wrong) == 5
    for item in wrong:
        assert tr(item.text, "en").split()[0] in text
        best = max(item.choices, key=lambda c: c.score or 0)
        # the right answer is never shown: it could be passed on
        assert re.sub(r"\s+", " ", tr(best.label, "en")) not in text
    assert "Take the check again" in text
    again = client.get(url + "?retake=1")
    assert 'type="radio"' in again.content.decode()
    client.post(url, _post_answers(check_answers(definition, 16)))
    assert "Passed" in _text(client.get(url))
    assert CheckAttempt.objects.filter(passed=True).count() == 1


def _option_orders(html: str, definition: Any) -> list[list[str]]:
    """Per scored question, the values of its options in the order the page shows them."""
    return [
        re.findall(rf'name="{re.escape(item.key)}"[^>]*value="([^"]+)"', html)
        or re.findall(rf'value="([^"]+)"[^>]*name="{re.escape(item.key)}"', html)
        for item in definition.items()
        if item.scored
    ]


def test_the_checks_options_come_in_an_order_of_their_own_per_learner_and_attempt(
    ww: WorkWorld,
) -> None:
    definition = version(CHECK).parsed
    url = f"/training/enrolments/{ww.enrolment.pk}/checks/{CHECK}/"
    client = verified_client(ww.learner)
    first = _option_orders(client.get(url).content.decode(), definition)
    assert all(len(o) >= 3 for o in first)
    assert first == _option_orders(client.get(url).content.decode(), definition)  # stable
    scored = [i for i in definition.items() if i.scored]
    written = [[c.value for c in i.choices] for i in scored]
    assert first != written
    assert all(sorted(a) == sorted(b) for a, b in zip(first, written, strict=True))
    # the right answer does not stand in one repeating place
    best = [max(i.choices, key=lambda c: c.score or 0).value for i in scored]
    places = [o.index(b) for o, b in zip(first, best, strict=True)]
    assert len(set(places)) > 1
    other = ww.other_enrolment
    theirs = verified_client(ww.other).get(f"/training/enrolments/{other.pk}/checks/{CHECK}/")
    assert _option_orders(theirs.content.decode(), definition) != first


def test_an_incomplete_check_names_the_question_and_stores_nothing(ww: WorkWorld) -> None:
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/checks/{CHECK}/"
    answers = check_answers(version(CHECK).parsed, 16)
    first = next(iter(answers))
    del answers[first]
    refused = client.post(url, _post_answers(answers))
    assert refused.status_code == 422
    assert f'id="item-{first}"' in refused.content.decode()
    assert "q-invalid" in refused.content.decode()
    assert CheckAttempt.objects.count() == 0


def test_only_the_learner_opens_their_check(ww: WorkWorld) -> None:
    url = f"/training/enrolments/{ww.enrolment.pk}/checks/{CHECK}/"
    assert verified_client(ww.trainer).get(url).status_code == 403
    assert verified_client(ww.other).get(url).status_code == 404
    assert verified_client(ww.learner).get(url.replace(CHECK, "kc-msc-team")).status_code == 404


# --- the sandbox -----------------------------------------------------------------------------


def test_a_learner_chooses_a_vignette_and_writes_the_analysis_in_the_sandbox(
    ww: WorkWorld,
) -> None:
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/assignments/{PRACTICE}/"
    chooser = _text(client.get(url))
    assert "Training sandbox:" in chooser
    assert "this is not a case; nothing here reaches cases, indicators or exports." in chooser
    assert "violent right-wing extremism" in chooser and "14–17" in chooser
    form = client.get(url + "?vignette=pupil-online")
    body = form.content.decode()
    assert 'name="secrecy"' not in body and 'name="organisation"' not in body
    assert 'name="family__concern"' in body  # the perspective form of cases
    days = [int(d) for d in re.findall(r"(\d+) days? before the case conference", _text(form))]
    assert days == sorted(days, reverse=True) and days  # documents by day
    data = {
        "vignette": "pupil-online",
        "client_view": "He wants to finish school.",
        "action": "draft",
    }
    assert client.post(url, data).status_code == 302
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
    incomplete = client.post(url, {**data, "action": "submit"})
    assert incomplete.status_code == 422
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
    # the top of the page lists each problem, linked to where it is, in words a person reads
    html = incomplete.content.decode()
    summary = html[html.index('aria-label="Answers to correct"') :]
    anchors = re.findall(r'href="#(problem-[\w-]+)"', summary[: summary.index("</nav>")])
    assert anchors and all(f'id="{a}"' in html for a in anchors)
    assert html.index('href="#problems"') < html.index('id="problems"')  # a link at the top
    assert "Answer this question." in summary and "is required" not in html
    complete = {
        **data,
        "client_involved": "with_client",
        "family__concern": "2",
        "family__resource": "1",
        "family__rationale": "Mother's letter.",
        "gender_considered": "considered",
        "gender_notes": "Manhood as protector.",
        "education__concern": "2",
        "education__resource": "2",
        "education__rationale": "School referral.",
        "online__concern": "3",
        "online__resource": "1",
        "online__rationale": "Police note.",
        "hypotheses__0__hypothesis": "The group gives him belonging.",
        "hypotheses__0__competing": "He repeats it to provoke.",
        "hypotheses__0__check": "Ask what he would miss.",
        "action": "submit",
    }
    assert client.post(url, complete).status_code == 302
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.SUBMITTED
    locked = _text(client.get(url))
    assert "Your analysis as handed in" in locked and "Mother&#x27;s letter." in locked
    assert client.post(url, complete).status_code == 302  # refused with a message
    assert Case.objects.count() == Perspective.objects.count() == 0


def test_the_observed_assignment_has_nothing_to_hand_in(ww: WorkWorld) -> None:
    page = verified_client(ww.learner).get(
        f"/training/enrolments/{ww.enrolment.pk}/assignments/consent-conversation/"
    )
    assert page.status_code == 200
    assert "There is nothing to hand in" in _text(page)
    assert "Training sandbox" not in _text(page)


# --- reviews ---------------------------------------------------------------------------------


def _review_url(ww: WorkWorld, assignment: str = PRACTICE) -> str:
    return f"/training/runs/{ww.run.pk}/learners/{ww.enrolment.pk}/assignments/{assignment}/review/"


def _rubric_post(levels: int, decision: str, comment: str = "") -> dict[str, str]:
    answers = rubric_answers(version("rubric-social-diagnostics").parsed, levels)
    return {**_post_answers(answers), "decision": decision, "comment": comment}


def test_the_second_rater_sees_the_first_rating_only_after_rating(ww: WorkWorld) -> None:
    _hand_in(ww)
    _rate(ww, ww.trainer, "pass", {"c1_client_view": 4, "c3_formulation": 4}, "Clear work")
    second = verified_client(ww.second)
    before = _text(second.get(_review_url(ww)))
    assert "Another trainer has rated this version" in before
    assert "Clear work" not in before and "Tara Trainer" not in before
    assert "The analysis as handed in" in before and "Mother&#x27;s letter" in before
    levels = {"c1_client_view": 2, "c3_formulation": 3}
    answers = rubric_answers(version("rubric-social-diagnostics").parsed, levels)
    sent = second.post(_review_url(ww), {**_post_answers(answers), "decision": "pass"})
    assert sent.status_code == 302
    # both passed it, but they are apart on level 3: neither decision stands yet
    handed = Submission.objects.get()
    assert (handed.status, handed.escalation) == (SubmissionStatus.SUBMITTED, "third")
    after = _text(second.get(_review_url(ww)))
    assert "The raters disagree. A third trainer of the run rates it and decides" in after
    table = _text(second.get(f"/training/runs/{ww.run.pk}/assignments/"))
    assert "raters disagree: a third trainer decides" in table  # seen by the two raters too
    assert "Calibration: each rater" in after and "Clear work" in after
    # the first criterion is two levels apart: marked for discussion; the third is one apart
    assert after.count("2 levels apart: discuss") == 1
    assert 'class="tw-differs"' in after


def test_an_empty_review_names_the_decision_and_every_criterion_at_once(ww: WorkWorld) -> None:
    _hand_in(ww)
    refused = verified_client(ww.trainer).post(_review_url(ww), {"comment": ""})
    assert refused.status_code == 422
    text = _text(refused)
    assert "Choose pass or revise." in text
    assert "Some criteria are not rated yet; see below." in text
    # said at the top of the page too, linked to the rating form far below the analysis
    assert text.index("Your rating is not saved") < text.index("The analysis as handed in")
    rubric = version("rubric-social-diagnostics").parsed
    rated = [i for i in rubric.items() if i.type == "choice" and i.domain]
    assert len(rated) == 7
    html = refused.content.decode()
    assert all(f'id="error-{i.key}"' in html for i in rated)
    assert Review.objects.count() == 0


def test_a_pass_below_level_3_warns_and_a_revision_needs_a_comment(ww: WorkWorld) -> None:
    _hand_in(ww)
    client = verified_client(ww.trainer)
    refused = client.post(_review_url(ww), _rubric_post(2, "revise"))
    assert refused.status_code == 422
    assert _text(refused).count("Say what the learner should revise.") == 1
    assert Review.objects.count() == 0
    passed = client.post(_review_url(ww), _rubric_post(2, "pass"), follow=True)
    text = _text(passed)
    assert "You passed it although these criteria are below level 3" in text
    assert Review.objects.get().decision == "pass"


def test_the_trainer_records_an_observed_conversation(ww: WorkWorld) -> None:
    client = verified_client(ww.trainer)
    url = _review_url(ww, "consent-conversation")
    page = _text(client.get(url))
    assert "Rate with the rubric" in page
    rubric = version("rubric-consent-conversation").parsed
    low = {**_post_answers(rubric_answers(rubric, 2)), "decision": "revise", "comment": "Again"}
    waiting = client.post(url, low, follow=True)
    # one trainer's "not passed" waits for a second trainer before it reaches the learner
    assert "A request for revision needs a second trainer" in _text(waiting)
    assert Submission.objects.get(assignment="consent-conversation").status == "submitted"
    second = verified_client(ww.second)
    table = _text(second.get(f"/training/runs/{ww.run.pk}/assignments/"))
    assert "Confirm or overturn" in table
    assert second.post(url, low).status_code == 302
    assert Submission.objects.get(assignment="consent-conversation").status == "revision"
    # the learner holds the conversation again: the trainer records the new observation
    assert "Rate with the rubric" in _text(client.get(url))
    sent = client.post(url, {**_post_answers(rubric_answers(rubric, 3)), "decision": "pass"})
    assert sent.status_code == 302
    assert Submission.objects.get(assignment="consent-conversation").status == "passed"


def test_only_the_runs_trainers_open_the_review(ww: WorkWorld) -> None:
    _hand_in(ww)
    assert verified_client(ww.learner).get(_review_url(ww)).status_code == 403
    assert verified_client(ww.coordinator).get(_review_url(ww)).status_code == 403
    assert verified_client(ww.other).get(_review_url(ww)).status_code == 403
    stranger = verified_client(ww.msc_run.trainers.get().user)
    assert stranger.get(_review_url(ww)).status_code == 404


def test_the_learner_reads_the_reviews_once_the_round_is_decided(ww: WorkWorld) -> None:
    _hand_in(ww)
    _rate(ww, ww.trainer, "revise", 2, "Good start")
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/assignments/{PRACTICE}/"
    assert "Good start" not in _text(client.get(url))
    _rate(ww, ww.second, "revise", 2, "Add competing hypotheses")
    text = _text(client.get(url))
    assert "Good start" in text and "Add competing hypotheses" in text


# --- feedback --------------------------------------------------------------------------------


def test_feedback_is_given_once_and_says_it_is_stored_without_a_name(ww: WorkWorld) -> None:
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/feedback/{ww.held.pk}/"
    page = _text(client.get(url))
    assert "stored without your name" in page and "only once at least 5 people" in page
    answers = survey_answers(version(services.FEEDBACK).parsed)
    assert client.post(url, _post_answers(answers)).status_code == 302
    assert "You have already answered this" in _text(client.get(url))
    client.post(url, _post_answers(answers))
    assert SurveyAnswer.objects.count() == 1
    during = f"/training/enrolments/{ww.enrolment.pk}/self-assessment/during/"
    assert client.get(during).status_code == 404
    assert (
        verified_client(ww.learner)
        .get(f"/training/enrolments/{ww.enrolment.pk}/feedback/{ww.coming.pk}/")
        .status_code
        == 200
    )  # it says feedback opens when the session has started


def _answer_all(ww: WorkWorld, enrolments: list[object], value: int = 4) -> None:
    feedback = survey_answers(version(services.FEEDBACK).parsed, value)
    self = survey_answers(version(services.SELF_ASSESSMENT).parsed, value)
    with transaction.atomic():
        for e in enrolments:
            learner = e.learner  # type: ignore[attr-defined]
            services.survey_answer(
                actor=learner,
                enrolment=e,
                stage="session",
                answers=feedback,
                session=ww.held,  # type: ignore[arg-type]
            )
            services.survey_answer(actor=learner, enrolment=e, stage="before", answers=self)  # type: ignore[arg-type]


def test_feedback_totals_hide_groups_while_open_and_below_five(ww: WorkWorld) -> None:
    url = f"/training/runs/{ww.run.pk}/feedback/"
    _answer_all(ww, [ww.enrolment, ww.other_enrolment, *ww.learners(2)])
    text = _text(verified_client(ww.trainer).get(url))
    assert "4 answers so far. Answers are taken until" in text
    # the session next week takes no feedback yet; the self-assessment after opens a week
    # before the run's last day
    assert "Feedback is taken from" in text and "when the session starts" in text
    assert "Answers are taken from" in text
    ww.close_surveys()
    text = _text(verified_client(ww.trainer).get(url))
    assert "4 answers: too few answers to show." in text
    assert "I knew what this session wanted me to be able to do." not in text


def test_feedback_totals_show_five_once_closed(ww: WorkWorld) -> None:
    url = f"/training/runs/{ww.run.pk}/feedback/"
    _answer_all(ww, [ww.enrolment, ww.other_enrolment, *ww.learners(3)])
    open_ = _text(verified_client(ww.coordinator).get(url))
    assert "5 answers so far. Answers are taken until" in open_
    assert "I knew what this session wanted me to be able to do." not in open_
    ww.close_surveys()
    shown = _text(verified_client(ww.coordinator).get(url))
    assert "5 answers." in shown and "I knew what this session wanted me to be able to do." in shown


def test_feedback_after_it_closed_is_refused_with_the_last_day(ww: WorkWorld) -> None:
    ww.close_surveys()
    client = verified_client(ww.learner)
    url = f"/training/enrolments/{ww.enrolment.pk}/feedback/{ww.held.pk}/"
    page = _text(client.get(url))
    assert "Answers were taken until" in page and "this is closed now" in page
    assert 'name="aims_clear"' not in page
    answers = survey_answers(version(services.FEEDBACK).parsed)
    client.post(url, _post_answers(answers))
    assert SurveyAnswer.objects.count() == 0
    work = _text(client.get(f"/training/enrolments/{ww.enrolment.pk}/work/"))
    assert "feedback closed" in work


def test_feedback_totals_are_for_trainers_and_the_teams_coordinators(ww: WorkWorld) -> None:
    url = f"/training/runs/{ww.run.pk}/feedback/"
    assert verified_client(ww.trainer).get(url).status_code == 200
    assert verified_client(ww.coordinator).get(url).status_code == 200
    assert verified_client(ww.learner).get(url).status_code == 403
    assert verified_client(ww.other).get(url).status_code == 403


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["feedback", "assignments"])
def test_the_runs_pages_query_the_same_for_3_and_12_learners(ww: WorkWorld, page: str) -> None:
    url = f"/training/runs/{ww.run.pk}/{page}/"
    client = verified_client(ww.trainer)
    _answer_all(ww, [ww.enrolment, ww.other_enrolment, *ww.learners(3)])
    _hand_in(ww)
    ww.close_surveys()  # the totals of five show
    client.get(url)
    few = _queries(client, url)
    ww.reopen_surveys()
    more = ww.learners(7)
    _answer_all(ww, more)
    ww.close_surveys()
    client.get(url)  # the first read after closing settles the new answers (once)
    with transaction.atomic():
        for e in more[:3]:
            services.submission_save(
                actor=e.learner,
                enrolment=e,
                assignment=PRACTICE,
                vignette="pupil-online",
                answers=analysis_answers(),
                submit=True,
            )
    assert _queries(client, url) == few
