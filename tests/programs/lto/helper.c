int helper_square(int x)
{
	return x * x;
}
