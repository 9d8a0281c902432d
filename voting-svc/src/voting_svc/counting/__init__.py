"""The count: winners per area from ballots and the edition's selection rule.

A library (no database, no Flask) used by voting-svc after the close, by the `glos-count` CLI on Pabulib
files, and by anyone who wants to re-run a published count.

    from voting_svc.counting import count, pabulib
    election = pabulib.load("Poland_Swiecie_2023.pb")
    outcome = count(election)              # the rule named in the file, or count(election, rule="greedy")
    outcome.selected                       # project ids in the order chosen
"""

from .model import Ballot, Election, Outcome, Project, TieBreak
from .rules import RULES, count

__all__ = ["Ballot", "Election", "Outcome", "Project", "RULES", "TieBreak", "count"]
