"""Who may use a shared server and what they may spend: sign-in identities, the operator's
policy, and the checks pages run before anything is shown or paid for. No Streamlit here."""
