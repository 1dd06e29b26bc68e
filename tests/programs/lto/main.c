/* With -flto, helper_square (another file) is inlined into main and
   disappears from the program: the test looks for it with nm. */
#include <stdio.h>

int helper_square(int x);

int main(void)
{
	int sum = 0;
	for (int i = 1; i <= 10; i++)
		sum += helper_square(i);
	printf("sum of squares 1..10: %d\n", sum);
	return 0;
}
