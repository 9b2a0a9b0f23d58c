"""The demo publication, The Caspian Times: original content and generated illustrations."""
