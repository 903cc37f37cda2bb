"""The editors' side: accounts, their roles and tokens (`editors.accounts`)."""
