"""How readers reach the journalism from elsewhere: feeds (and, to come, sitemaps, structured data, social cards)."""
