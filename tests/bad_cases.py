"""What each bad file under ``tests/data/bad/`` is reported as: its problems, each with its
line and column, as ``rules check`` and the loaders render them.

test_codebook and test_knowledge check each file against its case; test_bad_corpus runs
them all through every command that reads them.
"""

from __future__ import annotations

from conftest import DATA

#: The rule file the catalogue cases are checked with.
VALID_RULES = DATA / "rules" / "valid.yaml"

#: tests/data/bad/codebook/: the problems after the file's path and a colon
CODEBOOK_CASES = {
    "agreement_on_four_points.yaml": [
        "16:18: the built-in agreement scale has 5 or 7 points, the answer scale from 1 to 4"
        " has not (give your own in answer_scales)",
        "19:11: missing key 'en'",
        "20:5: missing key 'id'",
    ],
    "answer_on_two_points.yaml": ["9:9: the answer 'zelden' is given for points 1 and 2"],
    "answer_scale_too_short.yaml": [
        "20:14: answer scale 'frequency' runs from 1 to 4, the items' scale from 1 to 5"
    ],
    "unknown_answer_scale.yaml": [
        "4:12: unknown answer scale 'frequncy' (did you mean 'frequency'?) (expected agreement"
        " or one of answer_scales)"
    ],
    "bad_direction.yaml": [
        "22:16: direction must be higher_is_better or higher_is_worse, found 'lower_is_better'"
    ],
    "bad_id.yaml": [
        "24:13: an id must be lower-case letters, digits and underscores, starting with a"
        " letter, found 'Priv 1'"
    ],
    "duplicate_factor.yaml": [
        "20:9: duplicate factor id 'performance_expectancy' (first given on line 11)"
    ],
    "duplicate_item.yaml": ["17:13: duplicate item id 'pe1' (first given on line 15)"],
    "duplicate_key.yaml": ["8:3: duplicate key 'type' (first given on line 7)"],
    "empty.yaml": [" the file is empty (expected a codebook)"],
    "factors_not_a_list.yaml": [
        "11:1: unknown key 'unused'",
        "10:10: 'factors' must be a non-empty list of factors, found 'performance_expectancy'",
    ],
    "label_without_english.yaml": ["21:12: missing key 'en'"],
    "missing_code_on_scale.yaml": [
        "4:14: missing code 3 lies on the answer scale 1–5 (a missing code must be outside it)"
    ],
    "not_a_mapping.yaml": ["1:1: expected a codebook mapping, found a list"],
    "numeric_without_threshold.yaml": ["6:3: type numeric needs a 'threshold'"],
    "short_label_not_per_language.yaml": [
        "13:12: 'short' must give a text per language (nl: …, en: …), found 'Prestatie'",
        "20:12: missing key 'en'",
    ],
    "reverse_not_bool.yaml": ["19:18: 'reverse' must be true or false, found 'sometimes'"],
    "scale_reversed.yaml": ["2:3: the scale's min (5) must be below its max (1)"],
    "several_problems.yaml": [
        "13:5: unknown key 'directon' (did you mean 'direction'?)",
        "14:5: unknown key 'colour'",
        "11:5: missing key 'direction'",
    ],
    "syntax_error.yaml": ["21:12: this { is not closed on its line (end it with })"],
    "key_indented.yaml": [
        "22:7: this key is indented more than the key above it, which already has a value"
    ],
    "tab_indent.yaml": ["3:1: a tab character; YAML indents with spaces only"],
    "unknown_key.yaml": [
        "13:5: unknown key 'directon' (did you mean 'direction'?)",
        "11:5: missing key 'direction'",
    ],
    "unknown_usage_type.yaml": ["7:9: unknown usage type 'frequency' (expected yes_no or numeric)"],
    "questionnaire_placeholder.yaml": [
        "8:9: unknown placeholder {minuten} in 'intro' (did you mean 'minutes'?) (expected"
        " {minutes} or {min_group_size})"
    ],
    "questionnaire_brace.yaml": [
        "9:9: 'anonymity' in 'en' has a brace that is not closed (placeholders are written"
        " {minutes} and {min_group_size}; write {{ for a brace)"
    ],
    "dont_know_not_missing.yaml": [
        "8:19: the don't-know answer 'Weet niet' is not one of the missing values (add it under"
        " missing, or an export holding it cannot be read)",
        "8:34: the don't-know answer 'Don't know' is not one of the missing values (add it"
        " under missing, or an export holding it cannot be read)",
        "8:54: the don't-know code 9 is not one of the missing values (add it under missing, or"
        " its answers are read as scores)",
    ],
    "option_given_twice.yaml": ["11:9: the answer 'verkoop' is given for options 1 and 2"],
    "options_not_a_list.yaml": [
        "9:14: 'options' must be a non-empty list of answers (id, nl, en), found 'Verkoop,"
        " Financiën, ICT'"
    ],
    "unquoted_yes.yaml": [
        "8:15: an unquoted yes/no word in 'users': put it in quotes (YAML reads yes, no, on"
        " and off as true or false)"
    ],
}

#: tests/data/bad/rules/: "@" stands for the file's path
RULE_CASES = {
    "alias_bomb.yaml": ["@:1:32: more than 200000 values (are aliases expanding without end?)"],
    "bad_priority.yaml": [
        "@:20:15: 'priority' must be high, medium, low or a number from 1 (most urgent), found 'urgent'"
    ],
    "because_missing_language.yaml": ["@:21:14: missing key 'en'"],
    # issue 24: texts that would outgrow memory or time, refused before they run
    "because_nested_loops.yaml": [
        "@:14:7: 'because' in 'en' puts a loop in a loop (a because text may loop once, through"
        " at most 10000 items)"
    ],
    "because_repeats_text.yaml": [
        "@:14:7: 'because' in 'en' repeats or raises by 300000000, more than the 10000 a"
        " because text may"
    ],
    "because_syntax.yaml": [
        "@:14:7: 'because' in 'en': template error on its line 1: unexpected '}'"
    ],
    "because_unknown_figure.yaml": [
        "@:14:7: 'because' in 'en': 'colleague_influence' has no figure 'hedge' (did you mean 'hedges_g'?)"
    ],
    "because_unknown_name.yaml": [
        "@:14:7: 'because' in 'en' uses 'colleague', which this rule does not match (did you mean 'colleague_influence'?) (available: colleague_influence, manager_influence, segment)"
    ],
    "conclusion_nobody_derives.yaml": [
        "@:2:9: no rule concludes 'social_proof_missing' (add a rule with 'conclude: social_proof_missing', or remove it)",
        "@:18:21: this rule can never fire: no rule concludes 'social_proof_missing'",
    ],
    "condition_not_text.yaml": [
        "@:10:13: expected a condition like 'hedges_g >= 0.2', found the number 3"
    ],
    "cycle.yaml": [
        "@:16:9: rule 'champions' depends on its own conclusion through other rules (a cycle)"
    ],
    "deep_nesting.yaml": ["@:22:43: nested deeper than 20 levels"],
    "duplicate_key.yaml": ["@:21:5: duplicate key 'priority' (first given on line 20)"],
    "duplicate_rule_id.yaml": ["@:16:9: duplicate rule id 'derive' (first given on line 5)"],
    "empty.yaml": ["@: the file is empty (expected a rule file)"],
    "in_without_list.yaml": ["@:8:27: 'in' needs a list, e.g. 'effect_size in [a, b]'"],
    "max_actions.yaml": [
        "@:2:16: 'max_actions' must be a whole number of at least 1, found the number 0"
    ],
    "never_fires_boolean.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "never_fires_contradiction.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "never_fires_range.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "no_action.yaml": ["@:16:5: a rule needs 'recommend' or 'conclude' (or both)"],
    "one_fact_two_patterns.yaml": [
        "@:6:9: this rule can never fire: its patterns on lines 6 and 8 can be met only by one"
        " fact (manager_influence), and a fact meets one pattern of a rule at most (give their"
        " conditions in one pattern)"
    ],
    "not_a_pattern.yaml": [
        "@:18:9: expected a pattern (factor:, segment:, conclusion:, all:, any: or not:), found 'social_proof_missing'"
    ],
    "same_name_twice.yaml": [
        "@:9:9: two patterns of this rule are both called 'colleague_influence': name one with 'as: …'"
    ],
    "single_equals.yaml": [
        "@:8:27: unknown operator '=' (did you mean '=='?) (expected one of: <, <=, >, >=, ==, !=, in)"
    ],
    "syntax_error.yaml": ["@:21:14: this { is not closed on its line (end it with })"],
    "pasted_at_column_1.yaml": [
        '@:22:1: this list item is not indented like the ones above it (2 spaces under "rules:")'
    ],
    "pasted_indented.yaml": [
        "@:22:3: this list item is not indented like the ones above it"
        ' (the - right under "rules:", no spaces)'
    ],
    "pattern_misindented.yaml": [
        '@:9:6: this list item is not indented like the ones above it (2 spaces under "when:")'
    ],
    "unclosed_quote.yaml": ['@:22:11: this quote (") is never closed'],
    "too_many_alternatives.yaml": [
        "@:5:7: this rule has 343 alternatives (the ways its any: and not: blocks can be met);"
        " the engine takes at most 256 in all: use fewer or smaller any: blocks"
    ],
    "quote_runs_on.yaml": [
        '@:14:11: this quote (") is not closed on its line: the text runs on to line 15'
    ],
    "colon_in_text.yaml": ['@:15:21: a ": " inside a text: put the whole text in quotes ("…")'],
    "tab_indent.yaml": ["@:20:1: a tab character; YAML indents with spaces only"],
    "unknown_conclusion_derived.yaml": [
        "@:2:9: no rule concludes 'social_proof_missing' (add a rule with 'conclude: social_proof_missing', or remove it)",
        "@:11:15: unknown conclusion 'social_proof' (did you mean 'social_proof_missing'?) (declare it under 'conclusions')",
        "@:18:21: this rule can never fire: no rule concludes 'social_proof_missing'",
    ],
    "unknown_conclusion_used.yaml": [
        "@:18:21: unknown conclusion 'social_proof' (did you mean 'social_proof_missing'?) (declare it under 'conclusions')"
    ],
    "unknown_effect_size.yaml": [
        "@:8:27: 'effect_size' is one of negligible, small, medium, large, not 'huge'"
    ],
    "unknown_factor.yaml": [
        "@:9:17: unknown factor 'manager_influense' (did you mean 'manager_influence'?)"
    ],
    "unknown_figure.yaml": ["@:8:27: unknown figure 'hedge_g' (did you mean 'hedges_g'?)"],
    "unknown_intervention.yaml": ["@:19:16: unknown intervention 'act_bb' (did you mean 'act_b'?)"],
    "unknown_operator.yaml": [
        "@:8:27: unknown operator 'gtt' (expected one of: <, <=, >, >=, ==, !=, in)"
    ],
    "unknown_rule_key.yaml": [
        "@:16:5: missing key 'priority'",
        "@:20:5: unknown key 'priorty' (did you mean 'priority'?)",
    ],
    "wrong_type_number.yaml": ["@:8:27: 'hedges_g' is a number; 'large' is not"],
    "wrong_type_text.yaml": ["@:8:27: 'effect_size' is a text: compare it with ==, != or in"],
}

#: tests/data/bad/interventions/: "@" stands for the file's path
CATALOGUE_CASES = {
    "apostrophe_in_quotes.yaml": [
        "@:15:26: the text goes on after its closing quote ('): write '' for an apostrophe in '…'"
    ],
    "colon_in_title.yaml": ['@:23:63: a ": " inside a text: put the whole text in quotes ("…")'],
    "unclosed_brace.yaml": ["@:34:12: this { is not closed on its line (end it with })"],
    "bad_effort.yaml": ["@:9:13: 'effort' must be one of low, medium, high, found 'tiny'"],
    "duplicate_id.yaml": [
        "@:12:9: duplicate intervention id 'act_a' (first given on line 3)",
        f"{VALID_RULES}:19:16: unknown intervention 'act_b' (did you mean 'act_e'?)",
    ],
    "evidence_not_a_list.yaml": [
        "@:11:15: 'evidence' must be a non-empty list of sources, found 'Source A (2001).'"
    ],
    "missing_key.yaml": ["@:3:5: missing key 'evidence'"],
    "steps_mismatch.yaml": ["@:7:12: 'steps' has 2 steps in nl but 1 in en"],
    "title_not_texts.yaml": [
        "@:5:12: 'title' must give a text per language (nl: …, en: …), found 'Action A'"
    ],
    "unknown_factor.yaml": ["@:4:15: unknown factor 'managers'"],
    "unknown_owner.yaml": [
        "@:8:12: 'owner' must be one of management, communications, it, hr, community_manager, team_leads, found 'managers' (did you mean 'management'?)"
    ],
}
