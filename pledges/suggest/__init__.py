"""Suggesting the commitments a source states (pledges suggest): rules, not a model.

pledges.suggest.cues holds the words; pledges.suggest.reading reads one article into candidate
passages, each with its actors, kind, target and a score with the reasons behind it;
pledges.suggest.run reads the register's sources, and pledges.suggest.accept turns a candidate
into a pledge and its evidence.
"""
