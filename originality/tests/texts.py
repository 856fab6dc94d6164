"""Proposal texts for the similarity tests and the threshold table: an original answer to a
brief, a reworded copy of it, a second honest answer to the same brief, and answers to
different briefs."""

ORIGINAL = (
    "Landing page for an artisan bakery. I built a responsive one-page site with a hero section "
    "showing the daily bread selection, an online pre-order form connected to the shop's email, "
    "and a map with opening hours. The design uses a warm palette of cream and dark brown, with "
    "hand-drawn icons for each product category. Pages load in under one second on a mobile "
    "connection because every image is served as WebP in three sizes and the fonts are "
    "subsetted. The pre-order form validates pickup times against the opening hours and sends "
    "a confirmation to the customer. The whole site is static HTML generated from a small "
    "content file, so the owner can change prices and products without touching the code. "
    "I included a short guide explaining how to update the menu and publish the changes."
)

# The same entry passed off as new work: sentences reordered, synonyms swapped, a sentence added.
REWORDED = (
    "One-page site for an artisan bakery. Pages open in less than one second on a mobile "
    "connection since every picture is delivered as WebP in three sizes and the fonts are "
    "subsetted. I created a responsive landing page with a hero area presenting the daily bread "
    "selection, an online pre-order form linked to the shop's email, and a map with the opening "
    "hours. The design relies on a warm palette of cream and dark brown, with hand-drawn icons "
    "for every product category. The pre-order form checks pickup times against the opening "
    "hours and emails a confirmation to the customer. The entire site is static HTML built from "
    "a small content file, so the owner can edit prices and products without touching any code. "
    "A short guide explains how to update the menu and publish the changes. Happy to adjust colours."
)

# A few words changed only.
LIGHTLY_EDITED = ORIGINAL.replace("artisan bakery", "artisan bakery in Lyon").replace(
    "under one second", "under a second"
)

# Another freelancer's honest answer to the same brief: same subject, own words.
SAME_BRIEF_OTHER_ANSWER = (
    "My proposal for the bakery website: a clean single page built with Astro and Tailwind. "
    "At the top, a full-width photo of the counter with a button to order ahead. Below it, three "
    "cards for breads, pastries and cakes, each with prices the owner edits in a spreadsheet "
    "that I sync at build time. Orders arrive as a message on the owner's phone through a small "
    "serverless function, and customers choose a pickup slot from a calendar. I tested the page "
    "with Lighthouse and it scores above 95 for performance and accessibility. Hosting is free "
    "on Netlify and I will hand over the repository with setup notes."
)

# Too short to be compared (fewer word pairs than TEXT_MIN_SHINGLES).
TOO_SHORT = "See the attached files."

# Answers to different briefs.
OTHER_BRIEF_FITNESS = (
    "Backend for a fitness tracking app. I wrote a REST API in Django that stores workouts, sets "
    "and repetitions for each user, computes weekly volume per muscle group, and exposes "
    "leaderboards for gym challenges. Authentication uses JWT with refresh tokens, and push "
    "notifications remind users of planned sessions. The database schema is normalised and "
    "indexed for the history queries, which answer in a few milliseconds for a user with five "
    "years of data. A test suite with over two hundred cases runs in continuous integration, "
    "and the OpenAPI document lets the mobile team generate their client."
)
OTHER_BRIEF_PIPELINE = (
    "Data pipeline for a logistics company. The solution ingests delivery scans from three "
    "carriers every fifteen minutes, normalises addresses, deduplicates parcels and loads the "
    "result into a warehouse table partitioned by day. Late deliveries are detected with a rule "
    "engine that the operations team configures in YAML, and a daily report goes to each depot "
    "manager. Everything runs on Airflow with retries and alerting on failure; a backfill of two "
    "years of history took four hours. The code is typed, documented and covered by tests."
)
