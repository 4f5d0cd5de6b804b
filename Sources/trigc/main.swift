print("trigc")
