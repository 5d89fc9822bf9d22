"""The label watch: DailyMed's current label versions against the rule data's."""
