"""The words of the demo data: varied enough that a full-text search for one word is selective."""

import random


def words(text: str) -> list[str]:
    return text.split()


ACTIONS = words(
    "Build Design Redesign Develop Create Migrate Optimize Audit Write Illustrate Animate Translate "
    "Automate Integrate Refactor Launch Prototype Modernize Secure Document Localize Benchmark Rebuild"
)
ADJECTIVES = words(
    "modern responsive minimalist accessible secure scalable playful elegant bold lightweight "
    "multilingual realtime offline-first data-driven award-worthy cozy futuristic retro vibrant "
    "compact serverless headless interactive immersive cinematic sustainable friendly premium"
)
THINGS = [
    "landing page",
    "mobile app",
    "logo",
    "brand identity",
    "online store",
    "dashboard",
    "booking system",
    "newsletter template",
    "explainer video",
    "pitch deck",
    "REST API",
    "chatbot",
    "admin panel",
    "marketing site",
    "product catalogue",
    "invoice generator",
    "loyalty program",
    "podcast cover",
    "onboarding flow",
    "analytics pipeline",
    "browser extension",
    "data migration",
    "recommendation engine",
    "help center",
    "payment integration",
    "event website",
    "design system",
    "illustration set",
    "packaging design",
    "social media kit",
]
TECH = words(
    "django react vue angular svelte nextjs nuxt flutter kotlin swift laravel rails phoenix elixir "
    "golang rust typescript graphql postgres mariadb redis elasticsearch kafka rabbitmq kubernetes "
    "terraform ansible docker aws azure gcp firebase supabase stripe paypal shopify woocommerce "
    "wordpress drupal figma sketch blender unity unreal threejs webgl d3 tableau pandas pytorch "
    "tensorflow opencv openai langchain twilio sendgrid mapbox leaflet auth0 keycloak sentry grafana "
    "prometheus nginx cloudflare vercel netlify webflow framer airtable notion zapier hubspot "
    "salesforce mailchimp magento prestashop odoo sap quickbooks xero tailwind bootstrap sass "
    "storybook cypress playwright jest pytest fastapi flask celery htmx alpinejs electron tauri "
    "ionic capacitor expo arduino raspberry lidar bluetooth nfc webrtc ffmpeg"
)
INDUSTRIES = words(
    "bakery fintech nonprofit clinic veterinary brewery winery bookstore gym yoga dental legal "
    "architecture logistics shipping airline hotel hostel restaurant cafe florist school university "
    "museum theatre orchestra podcast newsroom agency startup insurance bank pharmacy farm vineyard "
    "fashion jewelry furniture realestate construction solar recycling charity church library "
    "marina ski surf camping cycling esports gaming robotics biotech"
)
ORGS = words("studio company boutique collective cooperative network foundation marketplace franchise lab")
CITIES = words(
    "Lisbon Porto Madrid Seville Lyon Marseille Berlin Hamburg Munich Vienna Prague Warsaw Krakow "
    "Oslo Bergen Stockholm Helsinki Tallinn Riga Vilnius Dublin Cork Glasgow Leeds Bristol Nairobi "
    "Lagos Accra Cairo Casablanca Toronto Montreal Vancouver Austin Denver Seattle Portland Boston "
    "Chicago Atlanta Miami Lima Bogota Quito Santiago Mendoza Osaka Kyoto Seoul Busan Taipei Hanoi "
    "Manila Jakarta Bangalore Pune Auckland Wellington Adelaide Perth Hobart"
)
CATEGORIES = words(
    "web mobile design branding writing marketing video data devops security ecommerce ai audio translation consulting"
)
SENTENCES = [
    "We are a {industry} {org} based in {city} looking for help with a {adj} {thing}.",
    "The current solution was built with {tech} and needs to move to {tech2}.",
    "Our customers mostly visit on their phones, so the {thing} must feel fast and {adj}.",
    "You will work with our in-house team, who know {tech} well but not {tech2}.",
    "Please show previous work involving {tech} or a similar {thing}.",
    "The budget covers design, implementation and two rounds of revisions.",
    "We expect clean, documented code and a short handover session.",
    "Accessibility matters to us: think keyboard navigation, contrast and screen readers.",
    "Bonus points for experience in the {industry} sector or with {tech2}.",
    "The launch is planned around our {city} event, so the deadline is firm.",
    "Content and photography will be provided; copywriting in {lang} is a plus.",
    "We want to reduce manual work for our staff by integrating {tech} with {tech2}.",
    "Performance budgets: pages under one second on a mid-range phone.",
    "Tell us briefly how you would approach the {thing} and what you would build first.",
    "A {adj} look that still feels trustworthy for a {industry} audience is what we are after.",
]
LANGUAGES = words("English Portuguese Spanish French German Polish Swedish Japanese Korean Swahili")
PROPOSAL_OPENERS = [
    "I have built several {thing}s with {tech} for {industry} clients.",
    "Our small studio specialises in {adj} work with {tech} and {tech2}.",
    "I would start with a short discovery call, then ship a first {thing} prototype within a week.",
    "My approach: audit what exists, propose a plan, then iterate with weekly demos.",
    "I recently delivered a similar {thing} for a {industry} {org} in {city}.",
    "I can cover design and development, including tests with {tech2}.",
]
FIRST_NAMES = words(
    "Ana Bruno Carla Diego Elena Farid Greta Hugo Ines Jonas Kaito Lena Marta Nuno Olga Pablo Quinn "
    "Rosa Sami Tara Umar Vera Wim Xenia Yara Zeno Amara Bilal Chloe Dmitri Esra Femi Gael Hana Ivo"
)
LAST_NAMES = words(
    "Silva Costa Garcia Muller Novak Kowalski Jensen Rossi Dubois Okafor Mensah Tanaka Kim Nguyen "
    "Santos Ferreira Lopez Schmidt Bauer Horvat Popescu Ivanova Larsen Moreau Haddad Osei Reyes Patel"
)
SKILLS = words(
    "python django react typescript figma illustration copywriting seo video-editing flutter swift "
    "kotlin devops aws data-analysis ux-research branding translation motion-design wordpress"
)


def _sentence(rng: random.Random) -> str:
    template = rng.choice(SENTENCES)
    return template.format(
        industry=rng.choice(INDUSTRIES),
        org=rng.choice(ORGS),
        city=rng.choice(CITIES),
        adj=rng.choice(ADJECTIVES),
        thing=rng.choice(THINGS),
        tech=rng.choice(TECH),
        tech2=rng.choice(TECH),
        lang=rng.choice(LANGUAGES),
    )


def make_title(rng: random.Random) -> str:
    adj, thing, industry = rng.choice(ADJECTIVES), rng.choice(THINGS), rng.choice(INDUSTRIES)
    article = "an" if adj[0] in "aeiou" else "a"
    form = rng.randrange(3)
    if form == 0:
        return f"{rng.choice(ACTIONS)} {article} {adj} {thing} for a {industry} {rng.choice(ORGS)}"
    if form == 1:
        return f"{rng.choice(ACTIONS)} our {industry} {thing} with {rng.choice(TECH)}"
    return f"{adj.capitalize()} {thing} in {rng.choice(TECH)} for a {industry} team in {rng.choice(CITIES)}"


def make_text(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def make_proposal_text(rng: random.Random) -> str:
    opener = rng.choice(PROPOSAL_OPENERS).format(
        thing=rng.choice(THINGS),
        tech=rng.choice(TECH),
        tech2=rng.choice(TECH),
        adj=rng.choice(ADJECTIVES),
        industry=rng.choice(INDUSTRIES),
        org=rng.choice(ORGS),
        city=rng.choice(CITIES),
    )
    return f"{opener} {_sentence(rng)}"
