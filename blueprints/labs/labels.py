"""How the four-eyes rule and signatories read to people."""
from blueprints.labs.four_eyes import Gap, Refusal
from core.i18n import lazy_gettext as _l

# Why this person may not review or sign a part (four_eyes.Refusal).
REFUSAL_LABELS = {
    Refusal.entered_results: _l("You entered or changed results of this part, so another "
                                "person reviews and signs it (four eyes)."),
    Refusal.not_reviewer: _l("Results are reviewed by the lab's managers and authorised "
                             "signatories."),
    Refusal.not_signatory: _l("Only the lab's authorised signatories sign reports and "
                              "certificates; a lab manager names them on the Signatories page."),
    Refusal.out_of_scope: _l("Your authorisation as a signatory does not cover this kind of "
                             "work; a lab manager can widen it on the Signatories page."),
    Refusal.no_signature: _l("Upload your signature on your account page first: it is printed "
                             "on every report you authorise."),
}

# What the lab lacks so that nobody can take the part on (four_eyes.Gap): said on the
# page where the part would otherwise be stuck.
GAP_LABELS = {
    Gap.reviewer: _l("Nobody else in this lab can review these results: everyone who may "
                     "review them entered some. A lab manager names a second authorised "
                     "signatory on the Signatories page; that person then reviews and signs."),
    Gap.signatory: _l("No authorised signatory of this lab who did not enter these results "
                      "covers this kind of work. A lab manager names a second signatory with "
                      "this scope on the Signatories page."),
    Gap.signature: _l("The signatories who could sign this have no signature image on file "
                      "yet; each uploads one on their account page."),
}
