"""OpenID Connect pieces shared by the providers and relying parties of every organisation.

Single logout needs the same rules on both sides of every tier (VNeID → national login service
→ portals): how a logout token is made and checked, how it is delivered, how a receiver answers.
Each organisation keeps its own keys, models and sessions; only these rules live here.
"""
