import os

DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///./orders.db")

# Left here "for local testing" and committed by accident.
STRIPE_API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dcXoNpQr7bKf3mVw"
