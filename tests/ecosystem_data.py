# ruff: noqa: E501  (articles keep their paragraphs on one line each, as written)
"""Short news articles written for the Python API, spaCy component and progress tests.

Every place, person and organisation here is invented.
"""

from __future__ import annotations

FLOOD = """Lindholm orders evacuation as river breaks record

Water levels on the Vessa river rose by two metres overnight, and the town of Lindholm ordered the evacuation of its lower districts on Tuesday.

"The river has never been this high in living memory," said Ruth Okoro, the mayor of Lindholm. "We are moving people now, not tomorrow."

Engineers from Tarsk Hydrolink, the company that operates the Vennmark dam upstream, said the structure was stable. The regional water authority said it had inspected the dam in March and found no faults.

Residents accused the council of acting too late. "They told us on Sunday that there was nothing to worry about," said Pavel Drum, a baker whose shop stands two streets from the river."""

STRIKE = """Dockworkers halt cargo traffic at Portvale

Harbour workers in Portvale walked off the job on Monday, halting cargo traffic at the country's second-largest port for the first time in eleven years.

"We have waited three years for a contract," said Mara Ilves, who leads the dockworkers' union. "Nobody in the ministry is listening."

Transport Minister Jonas Reed called the strike "reckless" and said the government would not negotiate under pressure. The Portvale Chamber of Commerce estimated losses at 40 million euros a day, and warned that fuel deliveries to the islands could stop within a week."""

SCHOOLS = """Teachers in Orvik reject pay offer

Teachers in the northern province of Orvik rejected a pay offer from the provincial government on Thursday, with 78 percent of union members voting against it.

Education Minister Lena Sorbakken said the offer of a 4 percent rise was "the most the budget allows" and urged the union to return to talks.

The Orvik Teachers' Federation said the offer did not cover inflation. "Our members are leaving for the cities," said Idris Kaya, the federation's chairman. He added that a third of rural schools had at least one vacant post."""

ARTICLES = [FLOOD, STRIKE, SCHOOLS]

#: A longer, multi-paragraph report for the JSON round trip and the tables.
REPORT = """Ministry and rebels trade blame after aid convoy is stopped near Karsa

An aid convoy of 22 trucks carrying flour and medicine was turned back on Wednesday at a checkpoint outside Karsa, the third convoy stopped this month, according to the United Nations.

The Ministry of Interior said the trucks had been halted because the route was "not secure" and blamed the Karsa Liberation Army for mining the road. "We will not send drivers into a minefield," said Colonel Anton Virel, a ministry spokesman, at a briefing in the capital, Dessau.

The Karsa Liberation Army denied placing any mines. Its political office said in a statement that government forces had closed the road to starve the town into surrender. The group did not provide evidence for the claim.

Hana Morrow, who coordinates relief work for the charity Open Hands in the region, said the town's two bakeries had closed last week. "People are queuing for bread that does not exist," she said. "Children are the first to feel it."

The United Nations has said that about 60,000 people remain in Karsa, down from 95,000 before the fighting began in 2022. Prices of flour in the town's market have tripled since January, the World Food Programme reported.

Critics of the government say the checkpoints are a deliberate tactic. "This is collective punishment dressed up as security," said Leo Brandt, a researcher at the Centre for Conflict Studies in Dessau. Government officials reject the charge and say aid will resume once engineers have cleared the road.

A fourth convoy is scheduled to leave the capital on Saturday. The ministry said it would decide on Friday whether the trucks could pass."""
